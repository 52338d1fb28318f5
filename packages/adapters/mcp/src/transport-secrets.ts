import type { McpTransportOptions } from './types';

/** Header names that carry credentials: `authorization`, `x-api-key`, `cookie` … */
const credentialHeader = /auth|key|token|secret|cookie|session|passw|signature|credential/i;

/** Variable names that hold credentials by convention: `GITHUB_TOKEN`, `DB_PASSWORD` … */
const credentialVariable =
  /(?:^|_)(?:API_?KEY|SECRET|SECRET_KEY|TOKEN|PASSWORD|PASSWD|PASSPHRASE|PRIVATE_KEY|ACCESS_KEY|CREDENTIALS?|AUTH)(?:$|_)/i;

/**
 * The credentials a transport hands the server — headers and environment variables named
 * like credentials, and the token after a header's scheme (`Bearer <token>`) — as the
 * `secrets` of the server's tools: an agent redacts them from what it stores and emits, so a
 * server that echoes one (in a result, in an error) stores none.
 */
export function transportSecrets(transport: McpTransportOptions): string[] {
  const named: [string, string][] =
    'url' in transport
      ? Object.entries(transport.headers ?? {}).filter(([name]) => credentialHeader.test(name))
      : Object.entries(transport.env ?? {}).filter(([name]) => credentialVariable.test(name));
  const secrets: string[] = [];
  for (const [, value] of named) {
    if (typeof value !== 'string') continue;
    secrets.push(value);
    const token = /^[A-Za-z-]+ +(\S+)$/.exec(value)?.[1];
    if (token) secrets.push(token);
  }
  return secrets;
}
