import { ModelCallError, type ModelErrorKind } from '@agentchart/core';
import { type HeaderSource, parseRetryAfter } from '@agentchart/core/internal';
import { summariseErrorText } from './summarise-error-text';

/** What the attempt knew when it failed, beyond the error itself. */
export interface ModelErrorContext {
  endpoint: string;
  /** The caller's signal had aborted: whatever the client threw, the caller stopped the call. */
  aborted?: boolean;
  /** The attempt's own timeout had fired. */
  timedOutAfterMs?: number;
  /** For HTTP-date retry hints. */
  now?: number;
}

interface ErrorFacts {
  status: number | undefined;
  headers: HeaderSource | undefined;
  codes: string[];
  names: string[];
  messages: string[];
  /** The provider's own message, without the client's decorations. */
  providerMessage: string | undefined;
}

const asRecord = (value: unknown): Record<string, unknown> | undefined =>
  typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;

/**
 * Reads status, headers, codes and names along the error's chain: clients wrap what they
 * catch (LangChain turns OpenAI's context-length 400 into a `ContextOverflowError` whose
 * `cause` is the SDK's `BadRequestError`; fetch nests `ECONNRESET` two causes deep).
 */
function collectFacts(error: unknown): ErrorFacts {
  const facts: ErrorFacts = {
    status: undefined,
    headers: undefined,
    codes: [],
    names: [],
    messages: [],
    providerMessage: undefined,
  };
  let current = asRecord(error);
  for (let depth = 0; current && depth < 6; depth++) {
    const response = asRecord(current.response);
    const status = current.status ?? current.statusCode ?? response?.status;
    if (facts.status === undefined && typeof status === 'number') facts.status = status;
    const headers = asRecord(current.headers) ?? asRecord(response?.headers);
    if (facts.headers === undefined && headers) facts.headers = headers as HeaderSource;
    // OpenAI's parsed body: `{ message, type, code, param }` as `error.error`.
    const body = asRecord(current.error);
    for (const code of [current.code, body?.code, body?.type]) {
      if (typeof code === 'string') facts.codes.push(code);
    }
    if (facts.providerMessage === undefined && typeof body?.message === 'string') {
      facts.providerMessage = body.message;
    }
    if (typeof current.name === 'string') facts.names.push(current.name);
    const constructorName = (current.constructor as { name?: unknown } | undefined)?.name;
    if (typeof constructorName === 'string') facts.names.push(constructorName);
    if (typeof current.message === 'string') facts.messages.push(current.message);
    current = asRecord(current.cause);
  }
  return facts;
}

const contextLengthPattern =
  /context_length_exceeded|maximum context length|context window|context length|too many tokens/i;
const connectionCodes = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);
const timeoutCodes = new Set([
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);
// `terminated` is undici's word for a body cut mid-way; the others are Node's and the SDK's.
const connectionMessages =
  /^(terminated|socket hang up|fetch failed|other side closed|connection error\.?)$/i;
// Codes and messages that say nothing answers at the address: a wrong base URL, or no server
// there. A retry may find a server that was restarting, but it does not fix a typo.
const unreachableCodes = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPROTO',
  'ERR_SSL_WRONG_VERSION_NUMBER',
]);
const unreachableMessages = /^bad port$/i;

/**
 * True when the connection failed before any answer because of where it was sent: refused,
 * a name that does not resolve, a port fetch will not use, TLS spoken to a plain HTTP server.
 */
function unreachable(facts: ErrorFacts): boolean {
  return (
    facts.codes.some((code) => unreachableCodes.has(code)) ||
    facts.messages.some((message) => unreachableMessages.test(message.trim()))
  );
}

/**
 * The client's message followed by what its causes say: the OpenAI SDK says only
 * "Connection error." and keeps `connect ECONNREFUSED 127.0.0.1:1234` two causes deep.
 */
function messageWithCauses(facts: ErrorFacts): string | undefined {
  const [first, ...causes] = facts.messages
    .map((message) => message.trim())
    .filter((message) => message !== '');
  if (first === undefined) return undefined;
  return causes.length === 0 ? first : `${first} (${causes.join(', caused by: ')})`;
}

// What a client throws when it reads an answer that lacks the fields it expects: ChatOpenAI
// on a 200 without `choices`, with an error object instead, or with an HTML page.
const unreadableAnswerMessages = /^Cannot read propert(y|ies) of (undefined|null)|is not iterable$/;

/** True when the client failed reading a response it received: the answer, not the request. */
function clientCouldNotRead(facts: ErrorFacts): boolean {
  return (
    facts.names.includes('TypeError') &&
    facts.messages.some((message) => unreadableAnswerMessages.test(message))
  );
}

function kindFromStatus(status: number, facts: ErrorFacts): ModelErrorKind {
  if (status === 429) {
    return facts.codes.includes('insufficient_quota') ? 'quota_exhausted' : 'rate_limited';
  }
  if (status >= 500) return 'server_error';
  switch (status) {
    case 400:
    case 413:
      // A server whose limit is below the model's maxTools option: OpenAI says
      // "Invalid 'tools': array too long" with code array_above_max_length.
      if (
        facts.codes.includes('array_above_max_length') &&
        [facts.providerMessage ?? '', ...facts.messages].some((message) => /'tools'/.test(message))
      ) {
        return 'too_many_tools';
      }
      return facts.codes.includes('context_length_exceeded') ||
        facts.names.includes('ContextOverflowError') ||
        facts.messages.some((message) => contextLengthPattern.test(message))
        ? 'context_length'
        : 'bad_request';
    case 401:
      return 'authentication';
    case 403:
      return 'permission';
    case 404:
      return 'not_found';
    case 408:
      return 'timeout';
    case 409:
      return 'conflict';
    default:
      return status >= 400 ? 'bad_request' : 'unknown';
  }
}

function kindWithoutStatus(facts: ErrorFacts): ModelErrorKind {
  if (facts.names.includes('ContextOverflowError')) return 'context_length';
  if (facts.names.some((name) => name === 'TimeoutError' || name === 'APIConnectionTimeoutError')) {
    return 'timeout';
  }
  if (facts.codes.some((code) => timeoutCodes.has(code))) return 'timeout';
  if (facts.names.some((name) => name === 'AbortError' || name === 'APIUserAbortError')) {
    return 'aborted';
  }
  if (
    facts.names.includes('APIConnectionError') ||
    facts.codes.some((code) => connectionCodes.has(code)) ||
    facts.messages.some((message) => connectionMessages.test(message.trim()))
  ) {
    return 'connection';
  }
  if (facts.names.includes('SyntaxError') || clientCouldNotRead(facts)) {
    return 'malformed_response';
  }
  // The OpenAI SDK's APIError without a status: the endpoint sent an `error` inside a stream
  // it had begun with a 200 (the provider failed mid-answer), as OpenAI and vLLM do.
  if (facts.names.includes('APIError')) {
    if (facts.codes.includes('insufficient_quota')) return 'quota_exhausted';
    if (facts.codes.includes('rate_limit_exceeded')) return 'rate_limited';
    if (facts.codes.includes('context_length_exceeded')) return 'context_length';
    return 'server_error';
  }
  return 'unknown';
}

const advice: Record<ModelErrorKind, string> = {
  rate_limited: 'The endpoint is rate limiting; the call can be retried after a pause.',
  quota_exhausted:
    'The account has no quota left; add credit or raise the limit, retrying will not help.',
  server_error: 'The provider failed; the call can be retried.',
  timeout: 'No complete answer in time; the call can be retried, or the timeout raised.',
  conflict: 'The provider reported a conflict; the call can be retried.',
  connection: 'The connection failed or dropped mid-answer; the call can be retried.',
  malformed_response: 'The answer could not be parsed; the call can be retried.',
  bad_request: 'The provider rejected the request; fix its parameters, retrying will not help.',
  context_length:
    "The request exceeds the model's context window as the server counts it. agentchart's context budget plans every request against the model's known window (8 192 tokens for a model whose window it does not know); a server may run the model with a smaller one (a local server's context setting): give the server's real window, openAIChatModel({ metadata: { contextWindow } }). Otherwise shorten the input or lower the reserved output.",
  too_many_tools:
    "The request offers more tools than the endpoint takes; offer fewer at a time (toolLoop's allowedTools), or lower the model's maxTools option to the server's limit.",
  authentication: 'Check the API key configured for this endpoint.',
  permission: 'The API key lacks access to this model or endpoint.',
  not_found: 'Check the model name and the base URL.',
  circuit_open: 'The endpoint is failing; calls resume when its breaker closes.',
  retry_hint_too_long: 'The server asked to wait longer than the policy allows.',
  deadline_exceeded: "The call's deadline passed.",
  rate_limiter_timeout: 'The local rate limiter had no capacity in time.',
  aborted: 'The caller stopped the call.',
  unknown: 'An unexpected error; see its cause.',
};

const unreachableAdvice =
  'Nothing answered at this address: check the base URL (the baseURL option, or OPENAI_BASE_URL) and that the server runs there.';

/**
 * Maps anything a LangChain or OpenAI client throws onto core's {@link ModelCallError}, so
 * the reliability policy can tell a 429 from a 401. The original error stays as `cause`.
 */
export function toModelCallError(error: unknown, context: ModelErrorContext): ModelCallError {
  if (error instanceof ModelCallError) return error;
  const facts = collectFacts(error);
  let kind: ModelErrorKind;
  // A gateway's 502 page or a proxy's HTML would otherwise land whole in every log line.
  let detail = summariseErrorText(facts.providerMessage ?? facts.messages[0] ?? String(error));
  if (context.aborted) {
    kind = 'aborted';
  } else if (context.timedOutAfterMs !== undefined) {
    kind = 'timeout';
    detail = `no complete answer within ${context.timedOutAfterMs} ms (option timeoutMs)`;
  } else {
    kind =
      facts.status === undefined ? kindWithoutStatus(facts) : kindFromStatus(facts.status, facts);
    if (kind === 'connection' || kind === 'timeout') {
      detail = summariseErrorText(messageWithCauses(facts) ?? detail);
    }
    if (kind === 'malformed_response' && clientCouldNotRead(facts)) {
      detail = `the client could not read the answer (${detail}); the endpoint answered without the fields an OpenAI-style answer has, or with an error page.`;
    }
  }
  // A wrong address is a configuration to fix, which "can be retried" would hide.
  const whatToDo = kind === 'connection' && unreachable(facts) ? unreachableAdvice : advice[kind];
  const status = context.aborted ? undefined : facts.status;
  const retryAfterMs =
    status === undefined ? undefined : parseRetryAfter(facts.headers, context.now ?? Date.now());
  return new ModelCallError({
    kind,
    message: `Model call to ${context.endpoint} failed (${status ?? kind}): ${detail} ${whatToDo}`,
    endpoint: context.endpoint,
    status,
    retryAfterMs,
    cause: error,
  });
}
