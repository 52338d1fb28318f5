import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { HttpToolError } from './http-tool-error';
import type { RequestTarget } from './resolve-target';

/** One request, to one checked address. */
export interface HopRequest {
  target: RequestTarget;
  method: string;
  headers: Record<string, string>;
  body: Buffer | undefined;
  maxResponseBytes: number;
  signal: AbortSignal;
}

/** The response to one hop; the body is read up to the cap and the rest discarded. */
export interface HopResponse {
  status: number;
  statusText: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  truncated: boolean;
}

/**
 * Sends one request with Node's own client, connecting to the checked IP address itself
 * (never to the host name, which would be resolved again): the name only goes in the `Host`
 * header and, for https, in the TLS server name the certificate is verified against. No
 * connection pooling, no decompression, no redirect following (the caller checks each hop).
 */
export function sendRequest({
  target,
  method,
  headers,
  body,
  maxResponseBytes,
  signal,
}: HopRequest): Promise<HopResponse> {
  const { url, hostname, port, address } = target;
  const isHttps = url.protocol === 'https:';
  const request = isHttps ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const fail = (cause: unknown) => {
      if (signal.aborted) return reject(signal.reason);
      const code = (cause as NodeJS.ErrnoException)?.code;
      reject(
        new HttpToolError(
          'http.request_failed',
          url.href,
          `${method} ${url.href} failed: ${code ? `${code} ` : ''}${(cause as Error)?.message ?? cause}.`,
          cause,
        ),
      );
    };
    let responded = false;
    const outgoing = request(
      {
        host: address.address,
        family: address.family,
        port,
        method,
        path: `${url.pathname}${url.search}`,
        headers: { ...headers, host: url.host },
        agent: false,
        signal,
        // The certificate is checked against the name, not the address connected to.
        ...(isHttps && !isIpLiteral(hostname) ? { servername: hostname } : {}),
      },
      (incoming) => {
        responded = true;
        const chunks: Buffer[] = [];
        let length = 0;
        let truncated = false;
        incoming.on('data', (chunk: Buffer) => {
          const room = maxResponseBytes - length;
          if (chunk.length > room) {
            chunks.push(chunk.subarray(0, room));
            length += room;
            truncated = true;
            // Stop reading: the rest of a large body is never downloaded.
            incoming.destroy();
            outgoing.destroy();
            finish();
            return;
          }
          chunks.push(chunk);
          length += chunk.length;
        });
        let finished = false;
        const finish = () => {
          if (finished) return;
          finished = true;
          resolve({
            status: incoming.statusCode ?? 0,
            statusText: incoming.statusMessage ?? '',
            headers: incoming.headers,
            body: Buffer.concat(chunks, length),
            truncated,
          });
        };
        incoming.on('end', finish);
        incoming.on('error', (error) => (finished ? undefined : fail(error)));
        incoming.on('close', () => {
          if (!finished) fail(new Error('the connection closed before the response ended'));
        });
      },
    );
    outgoing.on('error', (error) => fail(error));
    // Node hands a 101 (Switching Protocols) to `upgrade` listeners only; with none it drops
    // the socket without an error, and the call would wait for a response that never comes,
    // past its deadline (the request it would abort is already gone).
    outgoing.on('upgrade', (incoming, socket) => {
      socket.destroy();
      fail(
        new Error(
          `the server answered ${incoming.statusCode} (Switching Protocols) to move the connection to another protocol, which this tool does not speak`,
        ),
      );
    });
    // Whatever else ends the request before a response came settles the call too.
    outgoing.on('close', () => {
      if (!responded) fail(new Error('the connection closed before a response came'));
    });
    outgoing.end(body);
  });
}

function isIpLiteral(hostname: string): boolean {
  return isIP(hostname) !== 0;
}
