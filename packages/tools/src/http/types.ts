/** An address a host name resolved to. */
export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/**
 * Resolves a host name to its addresses. The default uses the operating system's resolver
 * (`dns.lookup`, as Node's own HTTP client does); inject one to use another resolver, or in
 * tests. It is called once per request and redirect hop, and the connection goes to an
 * address it returned, so an answer that changes between the check and the connection (DNS
 * rebinding) cannot redirect the call.
 */
export type HostResolver = (
  hostname: string,
  options: { signal: AbortSignal },
) => Promise<readonly ResolvedAddress[]>;

/** HTTP methods {@link httpTool} can be allowed to send. */
export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Options of {@link httpTool}. */
export interface HttpToolOptions {
  /** The tool's name as the model sees it. Default `http_request`. */
  name?: string | undefined;
  /**
   * The hosts the model may reach: `api.example.com`, `api.example.com:8443`, `*.example.com`
   * (any subdomain), or `*` (any host). An entry without a port allows ports 80 and 443;
   * `host:*` allows any port. Checked on every redirect too. Required.
   */
  allowedHosts: readonly string[];
  /**
   * The methods the model may use. Default `['GET', 'HEAD']`, which makes the tool `pure`;
   * any other method makes it `unsafe` (never retried, approval-gated where the agent asks for
   * it). To keep reads `pure` beside writes, define two tools.
   */
  methods?: readonly HttpMethod[] | undefined;
  /**
   * Addresses or CIDR blocks to allow although they are in a refused range (loopback,
   * private, link-local, CGNAT, unique-local…), e.g. `['10.20.0.0/16']` for an internal API.
   * Cloud metadata addresses (169.254.169.254, fd00:ec2::254, …) stay refused.
   */
  allowAddresses?: readonly string[] | undefined;
  /**
   * Headers sent with every request (an API key, a user agent). The model neither sees nor
   * overrides them; they are dropped when a redirect leaves the origin they were sent to. The
   * values of those named like credentials (`authorization`, `x-api-key`, `cookie` …) are the
   * tool's `secrets`: an agent redacts them from everything it stores and emits.
   */
  headers?: Readonly<Record<string, string>> | undefined;
  /**
   * Request header names the model may set. Default: `accept`, `accept-language`,
   * `content-type`, `if-match`, `if-none-match`, `if-modified-since`.
   */
  allowedRequestHeaders?: readonly string[] | undefined;
  /**
   * Largest response body read, in bytes; the rest is cut off and `truncated` set. Default
   * 256 KiB. A chart's `toolCall` keeps the whole result in a journal row: above about half
   * the agent's `maxJournalValueBytes`, a body written as JSON may not fit, and the call fails
   * with `tool.output_too_large`.
   */
  maxResponseBytes?: number | undefined;
  /** Largest request body the model may send, in bytes. Default 64 KiB. */
  maxRequestBytes?: number | undefined;
  /** Most redirects followed (each one checked like the first request). Default 5. */
  maxRedirects?: number | undefined;
  /**
   * The whole call, redirects included, is aborted after this long and fails with `RunError`
   * `tool.timeout` (`details.tool`, `details.timeoutMs`), in an agent or called directly.
   * Default 15 s.
   */
  timeoutMs?: number | undefined;
  /** Default: the operating system's resolver. */
  resolve?: HostResolver | undefined;
}
