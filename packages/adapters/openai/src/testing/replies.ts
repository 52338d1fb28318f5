import type {
  ConnectionResetReply,
  HttpErrorReply,
  MalformedReply,
  MessageReply,
  OpenAIErrorBody,
  PartialReply,
  ScriptedToolCall,
  StallReply,
} from './types';

/** What a message reply carries besides its kind: its content, tool calls, finish reason and usage. */
export type MessageFields = Omit<MessageReply, 'kind'>;

/** How a 429 tells the client when to come back; each form is one a real server sends. */
export type RetryHint =
  | { retryAfterMs: number }
  | { retryAfterSeconds: number }
  | { retryAfterDate: Date }
  /** Any raw `Retry-After` value, e.g. a malformed one. */
  | { retryAfter: string };

function errorBody(
  message: string,
  type: string,
  code: string | null,
  param: string | null = null,
): OpenAIErrorBody {
  return { error: { message, type, param, code } };
}

function retryHeaders(hint: RetryHint | undefined): Record<string, string> {
  if (!hint) return {};
  if ('retryAfterMs' in hint) return { 'retry-after-ms': String(hint.retryAfterMs) };
  if ('retryAfterSeconds' in hint) return { 'retry-after': String(hint.retryAfterSeconds) };
  if ('retryAfterDate' in hint) return { 'retry-after': hint.retryAfterDate.toUTCString() };
  return { 'retry-after': hint.retryAfter };
}

/**
 * Builders for every reply the test server can give, with bodies shaped like OpenAI's own
 * (messages copied from real responses), so the client code under test meets what it will
 * meet in production.
 */
export const replies = {
  /** A plain text answer. */
  text(content: string, fields: Omit<MessageFields, 'content'> = {}): MessageReply {
    return { kind: 'message', content, ...fields };
  },

  /** A JSON answer (structured output): `value` serialized as the message content. */
  json(value: unknown, fields: Omit<MessageFields, 'content'> = {}): MessageReply {
    return { kind: 'message', content: JSON.stringify(value), ...fields };
  },

  /**
   * Tool calls. An object argument is serialized; a string goes out verbatim, which is how
   * a test sends invalid JSON or the wrong shape.
   */
  toolCalls(
    calls: Array<Omit<ScriptedToolCall, 'arguments'> & { arguments: string | object }>,
    fields: Omit<MessageFields, 'toolCalls'> = {},
  ): MessageReply {
    const toolCalls = calls.map((call) => ({
      ...call,
      arguments:
        typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments),
    }));
    return { kind: 'message', toolCalls, ...fields };
  },

  /** The model declines: `message.refusal` set, content null, as OpenAI's structured outputs do. */
  refusal(
    refusal = "I'm sorry, I can't help with that.",
    fields: MessageFields = {},
  ): MessageReply {
    return { kind: 'message', refusal, ...fields };
  },

  /** Output cut at the token limit: `finish_reason: "length"`. */
  truncatedByLength(content: string, fields: MessageFields = {}): MessageReply {
    return { kind: 'message', content, finishReason: 'length', ...fields };
  },

  /** 429 rate limit, with the retry hint in the header form given. */
  rateLimited(hint?: RetryHint): HttpErrorReply {
    return {
      kind: 'http_error',
      status: 429,
      headers: retryHeaders(hint),
      body: errorBody(
        'Rate limit reached for gpt-4o-mini in organization org-test on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 20s. Visit https://platform.openai.com/account/rate-limits to learn more.',
        'requests',
        'rate_limit_exceeded',
      ),
    };
  },

  /** 429 with `insufficient_quota`: billing, not load; retrying cannot help. */
  insufficientQuota(): HttpErrorReply {
    return {
      kind: 'http_error',
      status: 429,
      body: errorBody(
        'You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.',
        'insufficient_quota',
        'insufficient_quota',
      ),
    };
  },

  /**
   * 500, 502 or 503. A 502 comes as the HTML page a gateway in front of the API sends, so
   * clients are tested against an error body that is not JSON.
   */
  serverError(status: 500 | 502 | 503 = 500, headers: Record<string, string> = {}): HttpErrorReply {
    if (status === 502) {
      return {
        kind: 'http_error',
        status,
        headers: { 'content-type': 'text/html', ...headers },
        body: '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>cloudflare</center>\r\n</body>\r\n</html>\r\n',
      };
    }
    const message =
      status === 503
        ? 'The engine is currently overloaded, please try again later.'
        : 'The server had an error while processing your request. Sorry about that!';
    return { kind: 'http_error', status, headers, body: errorBody(message, 'server_error', null) };
  },

  /** 400 `context_length_exceeded`. */
  contextLengthExceeded(): HttpErrorReply {
    return {
      kind: 'http_error',
      status: 400,
      body: errorBody(
        "This model's maximum context length is 128000 tokens. However, your messages resulted in 131072 tokens. Please reduce the length of the messages.",
        'invalid_request_error',
        'context_length_exceeded',
        'messages',
      ),
    };
  },

  /** 400 for an invalid parameter. */
  badRequest(
    message = "Invalid value for 'temperature': must be between 0 and 2.",
  ): HttpErrorReply {
    return {
      kind: 'http_error',
      status: 400,
      body: errorBody(message, 'invalid_request_error', 'invalid_value', 'temperature'),
    };
  },

  /** 401 `invalid_api_key`. */
  invalidApiKey(): HttpErrorReply {
    return {
      kind: 'http_error',
      status: 401,
      body: errorBody(
        'Incorrect API key provided: sk-test. You can find your API key at https://platform.openai.com/account/api-keys.',
        'invalid_request_error',
        'invalid_api_key',
      ),
    };
  },

  /** 404 `model_not_found`. */
  modelNotFound(model = 'gpt-unknown'): HttpErrorReply {
    return {
      kind: 'http_error',
      status: 404,
      body: errorBody(
        `The model \`${model}\` does not exist or you do not have access to it.`,
        'invalid_request_error',
        'model_not_found',
      ),
    };
  },

  /** Any status with an OpenAI-shaped body (403, 408, 409, ...). */
  httpError(
    status: number,
    message: string,
    {
      type = 'invalid_request_error',
      code = null,
      headers = {},
    }: {
      type?: string | undefined;
      code?: string | null | undefined;
      headers?: Record<string, string> | undefined;
    } = {},
  ): HttpErrorReply {
    return { kind: 'http_error', status, headers, body: errorBody(message, type, code) };
  },

  /** The connection is reset before a response. */
  connectionReset(): ConnectionResetReply {
    return { kind: 'connection_reset' };
  },

  /** No response until the client gives up or the server closes. */
  stall(): StallReply {
    return { kind: 'stall' };
  },

  /** The response starts, then the connection drops (a stream cut mid-way). */
  cutMidway(
    message: MessageReply = replies.text('This answer is cut off mid-way'),
    afterEvents = 2,
  ): PartialReply {
    return { kind: 'partial', message, afterEvents, end: 'cut' };
  },

  /** The response starts, then no further byte arrives. */
  stallMidway(
    message: MessageReply = replies.text('This answer never finishes'),
    afterEvents = 2,
  ): PartialReply {
    return { kind: 'partial', message, afterEvents, end: 'stall' };
  },

  /**
   * The response ends cleanly after `afterEvents` SSE events (every event by default), with
   * no `data: [DONE]`: with fewer events, a stream cut before its finish reason that looks
   * whole to the connection.
   */
  endedEarly(
    message: MessageReply = replies.text('This answer ends without saying so'),
    afterEvents = Number.POSITIVE_INFINITY,
  ): PartialReply {
    return { kind: 'partial', message, afterEvents, end: 'close' };
  },

  /** A 200 whose body (or SSE data line) is not valid JSON. */
  malformed(): MalformedReply {
    return { kind: 'malformed' };
  },
};
