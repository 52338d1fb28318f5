import { isIP } from 'node:net';
import type { AddressPolicy } from './address-policy';
import { type HostRule, isHostAllowed } from './host-allowlist';
import { HttpToolError } from './http-tool-error';
import type { HostResolver, ResolvedAddress } from './types';

/** Where one request hop goes: its URL and the checked address to connect to. */
export interface RequestTarget {
  url: URL;
  /** The host as it goes in the `Host` header and TLS server name (no brackets, no trailing dot). */
  hostname: string;
  port: number;
  /** The address the connection goes to: the one that was checked. */
  address: ResolvedAddress;
}

/** What {@link resolveTarget} checks against. */
export interface TargetPolicy {
  hosts: readonly HostRule[];
  addresses: AddressPolicy;
  resolve: HostResolver;
}

/**
 * Checks a URL and resolves it to the one address the request will connect to, refusing
 * before any connection: a scheme other than http(s), credentials in the URL, a host or
 * port not on the allowlist, the names `localhost` and `*.localhost`, and any host whose
 * addresses include a refused one (every address the resolver returned is checked, so a
 * rebinding answer mixing a public and a private address is refused whole). The URL
 * parser has already turned `2130706433`, `0x7f000001` and `0177.0.0.1` into `127.0.0.1`.
 */
export async function resolveTarget(
  raw: string | URL,
  policy: TargetPolicy,
  signal: AbortSignal,
): Promise<RequestTarget> {
  const shown = String(raw);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new HttpToolError(
      'http.invalid_url',
      shown,
      `${JSON.stringify(shown)} is not an absolute URL. Give a full URL such as "https://api.example.com/items?id=1".`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new HttpToolError(
      'http.scheme_refused',
      url.href,
      `${url.protocol} URLs are refused: only http: and https: can be requested.`,
    );
  }
  if (url.username || url.password) {
    throw new HttpToolError(
      'http.credentials_in_url',
      redacted(url),
      'URLs with a user name or password are refused; the tool adds any credentials it is configured with.',
    );
  }
  const bracketed = url.hostname.startsWith('[');
  const hostname = (bracketed ? url.hostname.slice(1, -1) : url.hostname).replace(/\.$/, '');
  const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
  if (hostname === 'localhost' || hostname.endsWith('.localhost')) {
    throw new HttpToolError(
      'http.address_refused',
      url.href,
      `${url.host} is refused: "localhost" names the machine the agent runs on.`,
    );
  }
  const shownHost = bracketed ? `[${hostname}]` : hostname;
  if (!isHostAllowed(policy.hosts, bracketed ? shownHost : hostname, port)) {
    const allowed = policy.hosts.map((rule) => rule.entry).join(', ');
    throw new HttpToolError(
      'http.host_not_allowed',
      url.href,
      `${shownHost}:${port} is not on this tool's host allowlist (${allowed}). Only those hosts can be requested.`,
    );
  }
  const addresses = isIP(hostname)
    ? [{ address: hostname, family: isIP(hostname) as 4 | 6 }]
    : await resolveName(policy.resolve, hostname, url, signal);
  for (const { address } of addresses) {
    const verdict = policy.addresses(address);
    if (!verdict.allowed) {
      const how = address === hostname ? '' : ` (${hostname} resolved to ${address})`;
      throw new HttpToolError(
        'http.address_refused',
        url.href,
        `${shownHost} is refused${how}: ${verdict.address} is ${verdict.range}, which this tool does not reach.`,
      );
    }
  }
  return { url, hostname, port, address: addresses[0]! };
}

async function resolveName(
  resolve: HostResolver,
  hostname: string,
  url: URL,
  signal: AbortSignal,
): Promise<readonly ResolvedAddress[]> {
  let addresses: readonly ResolvedAddress[];
  try {
    addresses = await untilAborted(resolve(hostname, { signal }), signal);
  } catch (cause) {
    signal.throwIfAborted();
    throw new HttpToolError(
      'http.resolve_failed',
      url.href,
      `${hostname} could not be resolved (${(cause as NodeJS.ErrnoException)?.code ?? (cause as Error)?.message}). Check the host name.`,
      cause,
    );
  }
  if (!Array.isArray(addresses) || addresses.length === 0) {
    throw new HttpToolError('http.resolve_failed', url.href, `${hostname} resolved to no address.`);
  }
  return addresses;
}

/**
 * `answer`, or its signal's reason as soon as the signal aborts. The system resolver
 * (`dns.lookup`) cannot be stopped, and a name server that never answers would otherwise
 * hold the call past the tool's deadline; its late answer is ignored.
 */
function untilAborted<T>(answer: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    const abort = () => reject(signal.reason);
    if (signal.aborted) abort();
    else signal.addEventListener('abort', abort, { once: true });
    // Settled (or its late failure handled) whichever comes first.
    Promise.resolve(answer)
      .then(resolve, reject)
      .finally(() => signal.removeEventListener('abort', abort));
  });
}

function redacted(url: URL): string {
  const copy = new URL(url.href);
  copy.username = '';
  copy.password = '';
  return copy.href;
}
