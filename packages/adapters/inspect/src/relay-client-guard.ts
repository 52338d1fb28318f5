import type { IncomingMessage } from 'node:http';

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
 * `Origin`: an agent's process, a Node client), or is the relay's own page, or a page the
 * relay was told to trust; and, on loopback, only when it addressed the relay by a loopback
 * name.
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
  return origin === `http://${host}` || allowedOrigins.includes(origin);
}
