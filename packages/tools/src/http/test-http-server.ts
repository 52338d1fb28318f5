import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { type AddressInfo, isIP, Socket } from 'node:net';

/** A request the test server received. */
export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** An HTTP server on a loopback address, for tests; it records every request it gets. */
export interface TestHttpServer {
  host: string;
  port: number;
  /** `http://<host>:<port>` with IPv6 hosts in brackets. */
  origin: string;
  requests: ReceivedRequest[];
  close(): Promise<void>;
}

/** What the server answers; the default answers 200 `ok` as text. */
export type TestHandler = (request: ReceivedRequest, response: ServerResponse) => void;

/**
 * Starts an HTTP server on `host` (127.0.0.1 unless told: 127.0.0.2, ::1 …), on `port` or a
 * free one. Only loopback addresses: tests never reach anything off this machine.
 */
export async function startTestHttpServer(
  handler: TestHandler = (_request, response) => {
    response.writeHead(200, { 'content-type': 'text/plain' });
    response.end('ok');
  },
  { host = '127.0.0.1', port = 0 }: { host?: string; port?: number } = {},
): Promise<TestHttpServer> {
  const requests: ReceivedRequest[] = [];
  const server = createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const request = {
        method: incoming.method ?? '',
        url: incoming.url ?? '',
        headers: incoming.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(request);
      handler(request, response);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    host,
    port: bound,
    origin: `http://${host.includes(':') ? `[${host}]` : host}:${bound}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The hosts every connection a guarded test makes went to, in order. */
export interface LoopbackGuard {
  connections: string[];
  restore(): void;
}

/**
 * A tripwire for network tests: until `restore()`, any socket connection to an address off
 * loopback (127.0.0.0/8, ::1) throws instead of sending a packet. So a regression in an
 * address check fails the test here, on this machine, rather than reaching 169.254.169.254
 * or a private network.
 */
export function guardLoopbackOnly(): LoopbackGuard {
  const prototype = Socket.prototype as unknown as { connect: (...args: unknown[]) => unknown };
  const original = prototype.connect;
  const connections: string[] = [];
  prototype.connect = function guardedConnect(this: Socket, ...args: unknown[]) {
    const first = args[0];
    const options = (Array.isArray(first) ? first[0] : first) as
      | { host?: string; path?: string }
      | number;
    const host =
      typeof options === 'object' && options !== null
        ? (options.path ?? options.host ?? 'localhost')
        : String(args[1] ?? 'localhost');
    connections.push(host);
    if (!isLoopbackHost(host)) {
      throw new Error(
        `test tripwire: a connection to ${host} was attempted; tests only reach loopback`,
      );
    }
    return original.apply(this, args);
  };
  return {
    connections,
    restore: () => {
      prototype.connect = original;
    },
  };
}

/** True for 127.0.0.0/8, ::1 and their IPv4-mapped forms; `localhost` is not trusted by name. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').replace(/^::ffff:/i, '');
  return bare === '::1' || (isIP(bare) === 4 && bare.startsWith('127.'));
}
