import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeTally, fuzzToolInput, toolInputArbitrary } from '../shared/fuzz-tool-input';
import { createAddressPolicy } from './address-policy';
import { httpTool } from './http-tool';
import {
  guardLoopbackOnly,
  type LoopbackGuard,
  startTestHttpServer,
  type TestHttpServer,
} from './test-http-server';

describe('httpTool fuzzing', () => {
  let victim: TestHttpServer;
  let guard: LoopbackGuard;
  beforeAll(async () => {
    victim = await startTestHttpServer();
    guard = guardLoopbackOnly();
  });
  afterAll(async () => {
    guard.restore();
    await victim.close();
  });

  it('validates or refuses every generated call, and never connects to a refused address', async ({
    annotate,
  }) => {
    const resolved: string[] = [];
    // The widest allowlist, every name resolving to the internal server: only the address
    // checks stand between a call and it. Public literals the fuzzer writes are allowed, so
    // their connections are attempted, and stopped by the tripwire before any packet.
    const tool = httpTool({
      allowedHosts: ['*:*'],
      methods: ['GET', 'HEAD', 'POST'],
      resolve: async (hostname) => {
        resolved.push(hostname);
        return [{ address: '127.0.0.1', family: 4 }];
      },
      timeoutMs: 2_000,
    });
    const port = victim.port;
    const host = fc.oneof(
      fc.ipV4(),
      fc.ipV4Extended(),
      fc.ipV6().map((address) => `[${address}]`),
      fc.domain(),
      fc.constantFrom(
        'localhost',
        '127.0.0.1',
        '[::1]',
        '0',
        '2130706433',
        '0x7f.1',
        '[::ffff:127.0.0.1]',
      ),
    );
    const url = fc.oneof(
      fc.webUrl(),
      fc
        .tuple(
          fc.constantFrom('http', 'https', 'file', 'gopher', 'ftp', 'HTTP'),
          host,
          fc.webPath(),
        )
        .map(([scheme, name, path]) => `${scheme}://${name}:${port}${path}`),
    );
    const policy = createAddressPolicy('fuzz');
    const tally = await fuzzToolInput(
      tool,
      toolInputArbitrary({
        url,
        method: fc.constantFrom('GET', 'GET', 'HEAD', 'POST', 'DELETE', 'get'),
        headers: fc.oneof(
          {
            weight: 3,
            arbitrary: fc.dictionary(
              fc.constantFrom('accept', 'accept-language'),
              fc.stringMatching(/^[ -~]{0,20}$/),
            ),
          },
          {
            weight: 1,
            arbitrary: fc.dictionary(
              fc.constantFrom('host', 'authorization', 'x-forwarded-for'),
              fc.string(),
            ),
          },
        ),
        body: fc.string({ maxLength: 50 }),
      }),
      {
        numRuns: 300,
        afterEach: () => {
          expect(victim.requests).toEqual([]);
          for (const address of guard.connections) expect(policy(address).allowed).toBe(true);
        },
      },
    );
    expect(tally.rejected).toBeGreaterThan(0);
    expect(tally.executed).toBeGreaterThan(0);
    await annotate(
      `${describeTally(tally)}; ${resolved.length} names resolved (all to the internal server), ${victim.requests.length} requests reached it, ${guard.connections.length} connections attempted, all to public addresses and stopped by the tripwire`,
    );
  });
});
