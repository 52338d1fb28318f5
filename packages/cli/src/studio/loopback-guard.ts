import type { IncomingMessage } from 'node:http';

/** Scripts, styles, data and connections from the studio itself; nothing from anywhere else. */
export const contentSecurityPolicy =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** A request addressed to the studio's own loopback address, not a name that resolves to it. */
export function isLocalRequest(request: IncomingMessage, authority: string): boolean {
  const host = request.headers.host ?? '';
  const port = authority.slice(authority.lastIndexOf(':') + 1);
  const allowed = [authority, `localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`];
  if (!allowed.includes(host)) return false;
  const origin = request.headers.origin;
  return origin === undefined || allowed.some((candidate) => origin === `http://${candidate}`);
}
