import { lookup } from 'node:dns/promises';
import { DefinitionError, defineTool, type Tool } from '@agentchart/core';
import { checkOptionNames, optionNamesOf } from '@agentchart/core/internal';
import { z } from 'zod';
import { toolTimeoutError } from '../shared/tool-timeout-error';
import { requirePositiveInteger } from '../shared/validate-option';
import { createAddressPolicy } from './address-policy';
import { decodeBody } from './decode-body';
import { followRedirects } from './follow-redirects';
import { parseHostAllowlist } from './host-allowlist';
import { HttpToolError } from './http-tool-error';
import type { HostResolver, HttpMethod, HttpToolOptions, ResolvedAddress } from './types';

/**
 * Default for {@link HttpToolOptions.maxResponseBytes}: 256 KiB, so a page cut at the cap,
 * written as JSON with its metadata, still fits a journal row (an agent's
 * `maxJournalValueBytes`, 1 MiB by default) when a chart calls the tool itself.
 */
export const defaultMaxResponseBytes = 256 * 1024;
/** Default for {@link HttpToolOptions.maxRequestBytes}: 64 KiB. */
export const defaultMaxRequestBytes = 64 * 1024;
/** Default for {@link HttpToolOptions.maxRedirects}. */
export const defaultMaxRedirects = 5;

const allMethods = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
const readMethods: ReadonlySet<string> = new Set(['GET', 'HEAD']);
const defaultRequestHeaders = [
  'accept',
  'accept-language',
  'content-type',
  'if-match',
  'if-none-match',
  'if-modified-since',
];
// Header values the model sets: visible ASCII and tabs only, so no header can be split.
const headerValue = z
  .string()
  .max(1024)
  .regex(/^[\t\x20-\x7e]*$/, 'header values are printable ASCII');
const headerName = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// Response headers worth the model's tokens; cookies and the rest are left out.
const keptResponseHeaders = [
  'content-type',
  'content-length',
  'content-language',
  'last-modified',
  'etag',
  'location',
  'retry-after',
  'cache-control',
];
const textContentType =
  /^(text\/|application\/([\w.+-]+\+)?(json|xml|javascript|yaml|x-www-form-urlencoded|csv)|image\/svg\+xml)/i;

const httpOutput = z.object({
  /** The URL of the response, after redirects. */
  url: z.string(),
  status: z.number().int(),
  statusText: z.string(),
  headers: z.record(z.string(), z.string()),
  /**
   * The body as text, decoded by the charset `Content-Type` declares (UTF-8 when it declares
   * none); empty for a binary body (see `binary`).
   */
  body: z.string(),
  /** Set when the declared charset is not one the tool can decode and the body was read as UTF-8. */
  charsetNote: z.string().optional(),
  /** Bytes of the body received (at most maxResponseBytes). */
  bodyBytes: z.number().int().nonnegative(),
  /** True when the body was longer than maxResponseBytes and was cut there. */
  truncated: z.boolean(),
  /** True when the body is not text (an image, a PDF…) and was not returned. */
  binary: z.boolean(),
  /** Each URL a redirect led to, in order. */
  redirects: z.array(z.string()),
});

/** The input schema of {@link httpTool} for a given set of options. */
function httpInput(
  methods: readonly HttpMethod[],
  requestHeaders: readonly string[],
  maxRequestBytes: number,
) {
  const withBody = methods.some((method) => !readMethods.has(method));
  const [first, ...rest] = methods;
  return z.strictObject({
    url: z
      .string()
      .min(1)
      .max(4096)
      .describe('The absolute http(s) URL to request, e.g. "https://api.example.com/items?id=1".'),
    method: z
      .enum([first!, ...rest])
      .optional()
      .describe(`The HTTP method. Default ${first}.`),
    ...(requestHeaders.length > 0
      ? {
          headers: z
            .partialRecord(z.enum(requestHeaders as [string, ...string[]]), headerValue)
            .optional()
            .describe('Request headers, from the allowed names only.'),
        }
      : {}),
    ...(withBody
      ? {
          body: z
            .string()
            .max(maxRequestBytes)
            .optional()
            .describe(
              `The request body as text (at most ${maxRequestBytes} bytes), for ${methods.filter((m) => !readMethods.has(m)).join(', ')}.`,
            ),
        }
      : {}),
  });
}

/** The input the model sends to {@link httpTool}. */
export interface HttpToolInput {
  url: string;
  method?: HttpMethod;
  headers?: Partial<Record<string, string>>;
  body?: string;
}

/** The http tool's type. */
export type HttpTool = Tool<z.ZodType<HttpToolInput>, typeof httpOutput>;

/** Every option of {@link httpTool}, checked against its type by the compiler. */
const httpToolOptionNames = optionNamesOf<HttpToolOptions>({
  name: true,
  allowedHosts: true,
  methods: true,
  allowAddresses: true,
  headers: true,
  allowedRequestHeaders: true,
  maxResponseBytes: true,
  maxRequestBytes: true,
  maxRedirects: true,
  timeoutMs: true,
  resolve: true,
});

/**
 * A tool that makes HTTP requests to an allowlist of hosts, built against server-side
 * request forgery. Before anything connects, a request is refused when its scheme is not
 * http(s), its URL carries credentials, its host or port is not on `allowedHosts`, or the
 * host is — or resolves to — a loopback, private (RFC 1918), link-local, carrier-grade NAT,
 * unique-local, IPv4-mapped, cloud metadata or other non-global address, whatever form
 * the URL writes it in (`2130706433`, `0x7f000001`, `[::ffff:7f00:1]`). The name is resolved
 * once per hop and the connection goes to the address that was checked, so DNS rebinding
 * cannot slip a private address in between; redirects are followed by the tool, each one
 * checked the same way. Responses are capped at `maxResponseBytes`, the whole call at
 * `timeoutMs`, after which it fails with `RunError` `tool.timeout` whether the agent's timer
 * or the tool's own (called outside an agent) stops it; in a chart, an `unsafe` call that
 * timed out is `effect.ambiguous`, as for any unsafe tool. A text body is decoded by the charset its `Content-Type` declares (UTF-8 when
 * none; an encoding Node cannot decode is read as UTF-8 and `charsetNote` says so), and a
 * body cut at the cap ends before the character the cut would split.
 *
 * With only GET and HEAD allowed (the default) the tool is `pure`; allowing any other method
 * makes it `unsafe`.
 *
 * @example
 * ```ts
 * const weather = httpTool({ allowedHosts: ['api.open-meteo.com'] });
 * const tickets = httpTool({
 *   name: 'create_ticket',
 *   allowedHosts: ['tickets.internal.example.com'],
 *   allowAddresses: ['10.20.0.0/16'],
 *   methods: ['POST'],
 *   headers: { authorization: `Bearer ${process.env.TICKETS_TOKEN}` },
 * });
 * ```
 */
export function httpTool(options: HttpToolOptions): HttpTool {
  checkOptionNames('httpTool', options, httpToolOptionNames);
  const {
    name = 'http_request',
    allowedHosts,
    methods = ['GET', 'HEAD'],
    allowAddresses = [],
    headers: privateHeaders = {},
    allowedRequestHeaders = defaultRequestHeaders,
    maxResponseBytes = defaultMaxResponseBytes,
    maxRequestBytes = defaultMaxRequestBytes,
    maxRedirects = defaultMaxRedirects,
    timeoutMs = 15_000,
    resolve = resolveWithSystem,
  } = options;
  const owner = 'httpTool';
  const hosts = parseHostAllowlist(owner, allowedHosts);
  const addresses = createAddressPolicy(owner, allowAddresses);
  requirePositiveInteger(owner, 'maxResponseBytes', maxResponseBytes);
  requirePositiveInteger(owner, 'maxRequestBytes', maxRequestBytes);
  requirePositiveInteger(owner, 'timeoutMs', timeoutMs);
  if (!Number.isSafeInteger(maxRedirects) || maxRedirects < 0) {
    throw new DefinitionError(
      'definition.invalid_option',
      `${owner}: maxRedirects is ${maxRedirects}. Give a whole number, 0 to follow none.`,
    );
  }
  const methodList = checkedMethods(owner, methods);
  const requestHeaders = checkedHeaderNames(owner, allowedRequestHeaders);
  const fixedHeaders = lowerCaseKeys(owner, privateHeaders);
  const policy = { hosts, addresses, resolve };
  const effect = methodList.every((method) => readMethods.has(method)) ? 'pure' : 'unsafe';
  return defineTool({
    name,
    description: `Makes an HTTP ${methodList.join('/')} request and returns the status, main headers and the body as text (at most ${maxResponseBytes} bytes; longer bodies are cut and marked truncated). Only these hosts can be reached: ${hosts.map((rule) => rule.entry).join(', ')}. Addresses on private networks and the local machine are refused.`,
    input: httpInput(
      methodList,
      requestHeaders,
      maxRequestBytes,
    ) as unknown as z.ZodType<HttpToolInput>,
    output: httpOutput,
    effect,
    timeoutMs,
    secrets: credentialsIn(fixedHeaders),
    execute: async ({ url, method = methodList[0]!, headers = {}, body }, { signal }) => {
      if (!methodList.includes(method)) {
        throw new HttpToolError(
          'http.method_not_allowed',
          url,
          `${method} is not allowed by this tool; it sends ${methodList.join(', ')}.`,
        );
      }
      const bodyBytes = body === undefined ? undefined : Buffer.from(body, 'utf8');
      if (bodyBytes && readMethods.has(method)) {
        throw new HttpToolError(
          'http.body_not_allowed',
          url,
          `A ${method} request cannot carry a body.`,
        );
      }
      if (bodyBytes && bodyBytes.length > maxRequestBytes) {
        throw new HttpToolError(
          'http.body_too_large',
          url,
          `The request body is ${bodyBytes.length} bytes, over the limit of ${maxRequestBytes}; nothing was sent.`,
        );
      }
      const modelHeaders: Record<string, string> = { 'accept-encoding': 'identity' };
      for (const [header, value] of Object.entries(headers)) {
        if (value !== undefined) modelHeaders[header.toLowerCase()] = value;
      }
      // The tool keeps its own deadline too: called outside an agent (whose harness aborts it
      // at timeoutMs), a server that drips a byte at a time must not hold it forever.
      const deadline = AbortSignal.timeout(timeoutMs);
      let followed: Awaited<ReturnType<typeof followRedirects>>;
      try {
        followed = await followRedirects({
          url,
          method,
          headers: modelHeaders,
          privateHeaders: fixedHeaders,
          body: bodyBytes,
          policy,
          maxRedirects,
          maxResponseBytes,
          signal: AbortSignal.any([signal, deadline]),
        });
      } catch (error) {
        if (!deadline.aborted || signal.aborted) throw error;
        // The harness's own timeout, not a failure of the tool: in an agent both deadlines fall
        // at timeoutMs, and which fires first must not change what the chart sees — an unsafe
        // call that timed out may have acted, so the harness makes it ambiguous, not retryable.
        throw toolTimeoutError({
          tool: name,
          timeoutMs,
          advice: `${method} ${url}, redirects included. Raise its timeoutMs, or ask for a smaller resource.`,
          details: { url },
          cause: error,
        });
      }
      const { response, url: finalUrl, redirects } = followed;
      const contentType = String(response.headers['content-type'] ?? '');
      const binary =
        response.body.length > 0 && contentType !== '' && !textContentType.test(contentType);
      const decoded = binary
        ? { text: '' }
        : decodeBody(response.body, contentType, response.truncated);
      return {
        url: finalUrl,
        status: response.status,
        statusText: response.statusText,
        headers: keptHeaders(response.headers),
        body: decoded.text,
        ...(decoded.note === undefined ? {} : { charsetNote: decoded.note }),
        bodyBytes: response.body.length,
        truncated: response.truncated,
        binary,
        redirects,
      };
    },
  });
}

/** The operating system's resolver, as Node's HTTP client would use it, every address. */
const resolveWithSystem: HostResolver = async (hostname, { signal }) => {
  signal.throwIfAborted();
  const answers = await lookup(hostname, { all: true, order: 'verbatim' });
  return answers.map(
    ({ address, family }): ResolvedAddress => ({ address, family: family === 6 ? 6 : 4 }),
  );
};

function keptHeaders(
  headers: Record<string, string | string[] | undefined>,
): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const header of keptResponseHeaders) {
    const value = headers[header];
    if (value !== undefined) kept[header] = Array.isArray(value) ? value.join(', ') : value;
  }
  return kept;
}

function checkedMethods(owner: string, methods: readonly HttpMethod[]): HttpMethod[] {
  const list = [...new Set(methods)];
  const unknown = list.filter((method) => !(allMethods as readonly string[]).includes(method));
  if (list.length === 0 || unknown.length > 0) {
    throw new DefinitionError(
      'definition.invalid_option',
      `${owner}: methods ${JSON.stringify(methods)} ${list.length === 0 ? 'is empty' : `has unknown methods ${unknown.join(', ')}`}. Use some of ${allMethods.join(', ')}.`,
    );
  }
  return list;
}

const forbiddenRequestHeaders = new Set([
  'host',
  'connection',
  'content-length',
  'transfer-encoding',
  'te',
  'upgrade',
  'trailer',
  'keep-alive',
  'proxy-authorization',
  'proxy-connection',
  'accept-encoding',
]);

function checkedHeaderNames(owner: string, names: readonly string[]): string[] {
  const list = [...new Set(names.map((header) => header.toLowerCase()))];
  for (const header of list) {
    if (!headerName.test(header) || forbiddenRequestHeaders.has(header)) {
      throw new DefinitionError(
        'definition.invalid_option',
        `${owner}: allowedRequestHeaders has ${JSON.stringify(header)}, which the model may not set (connection-level headers and Host are the tool's own).`,
      );
    }
  }
  return list;
}

/** Header names that carry credentials: `authorization`, `x-api-key`, `cookie`, `private-token` … */
const credentialHeader = /auth|key|token|secret|cookie|session|passw|signature|credential/;

/**
 * The credentials among the fixed headers, for the agent to redact: each such value, and
 * the token after its scheme (`Bearer <token>`), which an upstream may echo on its own.
 */
function credentialsIn(headers: Readonly<Record<string, string>>): string[] {
  const secrets: string[] = [];
  for (const [header, value] of Object.entries(headers)) {
    if (!credentialHeader.test(header)) continue;
    secrets.push(value);
    const token = /^[A-Za-z-]+ +(\S+)$/.exec(value)?.[1];
    if (token) secrets.push(token);
  }
  return secrets;
}

function lowerCaseKeys(
  owner: string,
  headers: Readonly<Record<string, string>>,
): Record<string, string> {
  const lowered: Record<string, string> = {};
  for (const [header, value] of Object.entries(headers)) {
    const key = header.toLowerCase();
    if (!headerName.test(key) || forbiddenRequestHeaders.has(key) || /[\r\n\0]/.test(value)) {
      throw new DefinitionError(
        'definition.invalid_option',
        `${owner}: headers has ${JSON.stringify(header)}, which cannot be sent as a fixed header.`,
      );
    }
    lowered[key] = value;
  }
  return lowered;
}
