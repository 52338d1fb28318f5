import { DefinitionError } from '@agentchart/core';

/** One parsed entry of {@link HttpToolOptions.allowedHosts}. */
export interface HostRule {
  /** The entry as written, for messages. */
  entry: string;
  /** `exact`: this host; `subdomains`: any name below `host`; `any`: every host. */
  match: 'exact' | 'subdomains' | 'any';
  /** Normalized (lower-case, punycode, canonical IP form), without a trailing dot. */
  host: string;
  /** The one port allowed, `'*'` for any, or `undefined` for the standard ports 80 and 443. */
  port: number | '*' | undefined;
}

/**
 * Parses host allowlist entries at definition time: `api.example.com`,
 * `api.example.com:8443`, `*.example.com` (subdomains, not the domain itself), `*` (any
 * host), `*:*`, `127.0.0.1:8080`, `[::1]:8080`. An entry without a port allows 80 and 443.
 * Names are normalized the way URLs are, so `API.Example.com.` and `api.example.com` match.
 */
export function parseHostAllowlist(owner: string, entries: readonly string[]): HostRule[] {
  if (!Array.isArray(entries) || entries.length === 0) {
    throw new DefinitionError(
      'definition.invalid_option',
      `${owner}: allowedHosts is empty. List the hosts the model may reach, e.g. ["api.example.com", "*.example.org"]; "*" allows every host (refused addresses stay refused).`,
    );
  }
  return entries.map((entry) => parseEntry(owner, entry));
}

function parseEntry(owner: string, entry: string): HostRule {
  const invalid = (why: string) =>
    new DefinitionError(
      'definition.invalid_option',
      `${owner}: allowedHosts entry ${JSON.stringify(entry)} ${why}. Write a host with an optional port, e.g. "api.example.com", "api.example.com:8443", "*.example.com" or "127.0.0.1:8080".`,
    );
  if (typeof entry !== 'string' || entry.trim() === '' || /[/?#@\s\\]/.test(entry)) {
    throw invalid('is not a host');
  }
  let hostPart = entry;
  let port: HostRule['port'];
  const portMatch = /:(\d{1,5}|\*)$/.exec(entry);
  if (portMatch && !(entry.startsWith('[') && !entry.includes(']:'))) {
    hostPart = entry.slice(0, portMatch.index);
    port = portMatch[1] === '*' ? '*' : Number(portMatch[1]);
    if (port !== '*' && (port < 1 || port > 65_535)) throw invalid('has a port outside 1-65535');
  }
  if (hostPart === '*') return { entry, match: 'any', host: '*', port };
  const wildcard = hostPart.startsWith('*.');
  const host = normalizeHost(wildcard ? hostPart.slice(2) : hostPart);
  if (host === undefined || host.includes('*')) throw invalid('is not a host');
  return { entry, match: wildcard ? 'subdomains' : 'exact', host, port };
}

/** A host normalized as the URL parser does (lower case, punycode, IPv4 forms), no trailing dot. */
export function normalizeHost(host: string): string | undefined {
  try {
    const { hostname } = new URL(`http://${host}/`);
    return hostname.endsWith('.') ? hostname.slice(0, -1) : hostname;
  } catch {
    return undefined;
  }
}

/** True when some rule allows `host` (normalized) on `port` (the effective port number). */
export function isHostAllowed(rules: readonly HostRule[], host: string, port: number): boolean {
  return rules.some((rule) => {
    const portAllowed =
      rule.port === '*' ||
      (rule.port === undefined ? port === 80 || port === 443 : port === rule.port);
    if (!portAllowed) return false;
    if (rule.match === 'any') return true;
    return rule.match === 'exact' ? host === rule.host : host.endsWith(`.${rule.host}`);
  });
}
