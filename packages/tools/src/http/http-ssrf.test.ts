import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpTool } from './http-tool';
import { HttpToolError, type HttpToolErrorCode } from './http-tool-error';
import {
  guardLoopbackOnly,
  type LoopbackGuard,
  startTestHttpServer,
  type TestHttpServer,
} from './test-http-server';
import type { HostResolver } from './types';

const context = { signal: new AbortController().signal, idempotencyKey: 'key', threadId: 'thread' };
const refusals: HttpToolErrorCode[] = [
  'http.address_refused',
  'http.scheme_refused',
  'http.credentials_in_url',
  'http.invalid_url',
];

/**
 * Server-side request forgery, tried the ways an injected model would. An internal service
 * ("victim") listens on 127.0.0.1; every attack below aims at it or at another internal
 * address, on a tool whose host allowlist admits any host and port (`*:*`), so the address
 * checks alone must stop them. A "public" server on 127.0.0.2 stands for the internet: it is
 * the one address the tool is told it may reach.
 */
describe('httpTool SSRF', () => {
  let victim: TestHttpServer;
  let publicServer: TestHttpServer;
  let resolverCalls: string[];
  let rebindAnswers: number;
  let guard: LoopbackGuard;

  beforeAll(async () => {
    guard = guardLoopbackOnly();
    victim = await startTestHttpServer((_request, response) => response.end('internal secret'));
    // The same port on another loopback address: a name that rebinds from one to the other
    // lands on the victim if the tool ever connects to a second answer.
    publicServer = await startTestHttpServer(
      (request, response) => {
        const target = request.url?.startsWith('/to/')
          ? decodeURIComponent(request.url.slice(4))
          : undefined;
        if (target) {
          response.writeHead(302, { location: target });
          response.end();
        } else {
          response.end('public page');
        }
      },
      { host: '127.0.0.2', port: victim.port },
    );
  });
  afterAll(async () => {
    guard.restore();
    await victim.close();
    await publicServer.close();
  });

  const resolve: HostResolver = async (hostname) => {
    resolverCalls.push(hostname);
    switch (hostname) {
      case 'public.test':
        return [{ address: '127.0.0.2', family: 4 }];
      case 'internal.test':
        return [{ address: '10.0.0.5', family: 4 }];
      case 'rebind.test':
        // Public on the first answer, private on every later one.
        rebindAnswers += 1;
        return [{ address: rebindAnswers === 1 ? '127.0.0.2' : '127.0.0.1', family: 4 }];
      case 'mixed.test':
        return [
          { address: '127.0.0.2', family: 4 },
          { address: '127.0.0.1', family: 4 },
        ];
      case 'metadata.test':
        return [{ address: 'fd00:ec2::254', family: 6 }];
      default:
        return [{ address: '127.0.0.1', family: 4 }];
    }
  };
  const anyHostTool = () => {
    resolverCalls = [];
    rebindAnswers = 0;
    return httpTool({ allowedHosts: ['*:*'], allowAddresses: ['127.0.0.2'], resolve });
  };

  const port = () => victim.port;
  const attacks: [string, () => string][] = [
    ['the metadata service', () => 'http://169.254.169.254/latest/meta-data/'],
    [
      'the metadata service, IPv4-mapped',
      () => 'http://[::ffff:169.254.169.254]/latest/meta-data/',
    ],
    ['the metadata service over IPv6', () => 'http://[fd00:ec2::254]/latest/meta-data/'],
    ['a name resolving to the IPv6 metadata address', () => 'http://metadata.test/'],
    ['loopback', () => `http://127.0.0.1:${port()}/`],
    ['loopback as a decimal integer', () => `http://2130706433:${port()}/`],
    ['loopback in hexadecimal', () => `http://0x7f000001:${port()}/`],
    ['loopback in octal', () => `http://0177.0.0.1:${port()}/`],
    ['loopback, short form', () => `http://127.1:${port()}/`],
    ['loopback, percent-encoded', () => `http://%31%32%37.0.0.1:${port()}/`],
    ['loopback in full-width digits', () => `http://①②⑦.0.0.1:${port()}/`],
    ['loopback, IPv4-mapped', () => `http://[::ffff:127.0.0.1]:${port()}/`],
    ['loopback, IPv4-mapped, long form', () => `http://[0:0:0:0:0:ffff:7f00:1]:${port()}/`],
    ['IPv6 loopback', () => `http://[::1]:${port()}/`],
    ['the unspecified address', () => `http://0.0.0.0:${port()}/`],
    ['the IPv6 unspecified address', () => `http://[::]:${port()}/`],
    ['localhost', () => `http://localhost:${port()}/`],
    ['LOCALHOST with a trailing dot', () => `http://LOCALHOST.:${port()}/`],
    ['a subdomain of localhost', () => `http://app.localhost:${port()}/`],
    ['a name resolving to loopback', () => `http://127.0.0.1.nip.io:${port()}/`],
    ['a name resolving to a private address', () => `http://internal.test:${port()}/`],
    ['an answer mixing a public and a private address', () => `http://mixed.test:${port()}/`],
    ['private 10/8', () => 'http://10.0.0.1/'],
    ['private 172.16/12', () => 'http://172.16.0.1/'],
    ['private 192.168/16', () => 'http://192.168.1.1/'],
    ['carrier-grade NAT', () => 'http://100.64.0.1/'],
    ['link-local', () => 'http://169.254.1.1/'],
    ['IPv6 unique-local', () => 'http://[fc00::1]/'],
    ['IPv6 link-local', () => 'http://[fe80::1]/'],
    ['NAT64 of the metadata address', () => 'http://[64:ff9b::a9fe:a9fe]/'],
    ['6to4 of loopback', () => 'http://[2002:7f00:1::]/'],
    [
      'a redirect to loopback',
      () => `http://public.test:${port()}/to/${encodeURIComponent(`http://127.0.0.1:${port()}/`)}`,
    ],
    [
      'a redirect to the metadata service',
      () =>
        `http://public.test:${port()}/to/${encodeURIComponent('http://169.254.169.254/latest/meta-data/')}`,
    ],
    [
      'a redirect to localhost',
      () => `http://public.test:${port()}/to/${encodeURIComponent(`http://localhost:${port()}/`)}`,
    ],
    [
      'a redirect to a name resolving to a private address',
      () => `http://public.test:${port()}/to/${encodeURIComponent('http://internal.test/')}`,
    ],
    [
      'a redirect to a file: URL',
      () => `http://public.test:${port()}/to/${encodeURIComponent('file:///etc/passwd')}`,
    ],
    [
      'a rebinding name, redirected to itself after its first answer',
      () =>
        `http://rebind.test:${port()}/to/${encodeURIComponent(`http://rebind.test:${port()}/`)}`,
    ],
    ['a file: URL', () => 'file:///etc/passwd'],
    ['a gopher: URL', () => `gopher://127.0.0.1:${port()}/_INFO`],
    ['an ftp: URL', () => 'ftp://127.0.0.1/'],
    ['a data: URL', () => 'data:text/plain,hello'],
    ['a javascript: URL', () => 'javascript:alert(1)'],
    ['credentials in the URL', () => `http://user:pass@public.test:${port()}/`],
    ['a relative URL', () => '/latest/meta-data/'],
  ];

  it.each(attacks)('refuses %s before connecting', async (_name, url) => {
    const error = await anyHostTool()
      .execute({ url: url() }, context)
      .catch((thrown: unknown) => thrown);
    expect(HttpToolError.isInstance(error)).toBe(true);
    expect(refusals).toContain((error as HttpToolError).code);
    expect(victim.requests).toEqual([]);
    expect(guard.connections.every((host) => host === '127.0.0.2')).toBe(true);
  });

  it('connects to the address it checked, not to a second answer (DNS rebinding)', async () => {
    const tool = anyHostTool();
    const result = await tool.execute({ url: `http://rebind.test:${port()}/` }, context);
    expect(result.body).toBe('public page');
    expect(resolverCalls).toEqual(['rebind.test']);
    expect(victim.requests).toEqual([]);
  });

  it('refuses internal addresses even when the allowlist names them', async () => {
    const tool = httpTool({ allowedHosts: [`127.0.0.1:${port()}`, `localhost:${port()}`] });
    for (const url of [`http://127.0.0.1:${port()}/`, `http://localhost:${port()}/`]) {
      await expect(tool.execute({ url }, context)).rejects.toMatchObject({
        code: 'http.address_refused',
      });
    }
    expect(victim.requests).toEqual([]);
  });

  it('refuses hosts and ports off the allowlist before resolving them', async () => {
    resolverCalls = [];
    const tool = httpTool({ allowedHosts: ['public.test', '*.example.org'], resolve });
    for (const url of [
      `http://public.test:${port()}/`,
      'https://evil.com/',
      'https://public.test.evil.com/',
      'https://example.org.evil.com/',
    ]) {
      await expect(tool.execute({ url }, context)).rejects.toMatchObject({
        code: 'http.host_not_allowed',
      });
    }
    expect(resolverCalls).toEqual([]);
  });

  it('refuses every attack in one pass, none reaching the internal server', async ({
    annotate,
  }) => {
    let refused = 0;
    for (const [, url] of attacks) {
      const error = await anyHostTool()
        .execute({ url: url() }, context)
        .catch((thrown: unknown) => thrown);
      if (HttpToolError.isInstance(error) && refusals.includes(error.code)) refused += 1;
    }
    expect(refused).toBe(attacks.length);
    expect(victim.requests).toEqual([]);
    await annotate(
      `${attacks.length} attacks, ${refused} refused before connecting, ${victim.requests.length} requests reached the internal server`,
    );
  });

  it('lets through every request to the hosts it was told to allow (no false positives)', async ({
    annotate,
  }) => {
    const tool = anyHostTool();
    const allowed = [
      { url: `http://public.test:${port()}/`, method: 'GET' as const },
      { url: `http://public.test:${port()}/page?q=1#frag`, method: 'GET' as const },
      { url: `http://127.0.0.2:${port()}/`, method: 'GET' as const },
      { url: `http://PUBLIC.test.:${port()}/`, method: 'GET' as const },
      { url: `http://public.test:${port()}/`, method: 'HEAD' as const },
      {
        url: `http://public.test:${port()}/to/${encodeURIComponent(`http://127.0.0.2:${port()}/landing`)}`,
        method: 'GET' as const,
      },
    ];
    let passed = 0;
    for (const request of allowed) {
      const result = await tool.execute(request, context);
      expect(result.status).toBe(200);
      passed += 1;
    }
    expect(victim.requests).toEqual([]);
    await annotate(
      `${allowed.length} allowed requests, ${passed} answered, ${allowed.length - passed} false positives`,
    );
  });
});
