import type { IncomingMessage } from 'node:http';
import { networkInterfaces } from 'node:os';

/** Names a loopback address is reached by: a page of the relay's own is served from these. */
const loopbackNames = ['127.0.0.1', 'localhost', '[::1]'];

/** Options of {@link isAllowedRelayClient}. */
export interface RelayClientGuardOptions {
  /** The address the relay listens on, as `host:port` (`[::1]:8080` for IPv6). */
  authority: string;
  /** True when the relay listens on a loopback address only. */
  loopback: boolean;
  /** Page origins allowed besides the relay's own (`http://localhost:5173`). */
  allowedOrigins: readonly string[];
}

/**
 * Whether a WebSocket client may join the relay. A browser lets any web page open a socket
 * to `ws://127.0.0.1:8080` (WebSockets are not bound by the same-origin policy) and says
 * which page did it in `Origin`; a page on a name that resolves to 127.0.0.1 (DNS rebinding)
 * also names itself in `Host`. Either would read every run the relay passes on — machine
 * context, prompts, tool results. So a client is let in when it is no browser page (no
 * `Origin`: an agent's process, a Node client), or is the relay's own page by an address the
 * relay knows (a loopback name, or one of this machine's addresses when it listens on all of
 * them), or a page the relay was told to trust; and, on loopback, only when it addressed the
 * relay by a loopback name.
 */
export function isAllowedRelayClient(
  request: IncomingMessage,
  { authority, loopback, allowedOrigins }: RelayClientGuardOptions,
): boolean {
  const port = authority.slice(authority.lastIndexOf(':') + 1);
  const ownAuthorities = [authority, ...loopbackNames.map((name) => `${name}:${port}`)];
  const host = request.headers.host ?? '';
  if (loopback && !ownAuthorities.includes(host)) return false;
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  if (allowedOrigins.includes(origin)) return true;
  // The relay's own page, by a name the relay knows it by — never by the request's `Host`: a
  // rebound name (evil.example resolving to this machine) sends its own name there too.
  const own = loopback ? ownAuthorities : [...ownAuthorities, ...interfaceAuthorities(port)];
  // A browser leaves the default port out of an origin.
  const origins = own.map((authority) =>
    port === '80' ? `http://${authority.slice(0, -':80'.length)}` : `http://${authority}`,
  );
  return origins.includes(origin);
}

/** This machine's addresses with `port`, as a relay listening on all of them is reached. */
function interfaceAuthorities(port: string): string[] {
  return Object.values(networkInterfaces())
    .flat()
    .filter((address) => address !== undefined)
    .map(({ address, family }) =>
      family === 'IPv6' ? `[${address}]:${port}` : `${address}:${port}`,
    );
}
