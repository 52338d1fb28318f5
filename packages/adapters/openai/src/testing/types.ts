/** A tool call the scripted model makes. `arguments` goes out verbatim, so it may be invalid JSON. */
export interface ScriptedToolCall {
  /** Defaults to `call_<n>`. */
  id?: string | undefined;
  name: string;
  arguments: string;
}

/** Token counts the server reports; estimated from the text (4 characters a token) when absent. */
export interface ScriptedUsage {
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens?: number | undefined;
}

/** Why the scripted model stopped, as OpenAI spells it. */
export type ScriptedFinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter';

/** Fields every scripted reply accepts. */
export interface ReplyTiming {
  /** Wait this long before answering (the request is recorded on arrival). */
  delayMs?: number | undefined;
}

/**
 * An assistant message. Served as one JSON body, or as SSE chunks when the request has
 * `stream: true` (with a final usage chunk when it asks for `stream_options.include_usage`).
 */
export interface MessageReply extends ReplyTiming {
  kind: 'message';
  content?: string | undefined;
  toolCalls?: ScriptedToolCall[] | undefined;
  /** Sent as `message.refusal` (or `delta.refusal` deltas), with `content: null`. */
  refusal?: string | undefined;
  /** Defaults to `tool_calls` when there are tool calls, else `stop`. */
  finishReason?: ScriptedFinishReason | undefined;
  usage?: ScriptedUsage | undefined;
  /**
   * Report no usage: no `usage` in a whole body, no usage chunk at the end of a stream even
   * when `stream_options.include_usage` asks for one, as some compatible servers do.
   */
  omitUsage?: boolean | undefined;
  /** The model name the response claims; defaults to the request's `model`. */
  model?: string | undefined;
  /** How streamed content is split into deltas; defaults to word by word. */
  chunks?: string[] | undefined;
  /** Extra response headers. */
  headers?: Record<string, string> | undefined;
}

/** OpenAI's error body: `{ error: { message, type, param, code } }`. */
export interface OpenAIErrorBody {
  error: {
    message: string;
    type: string;
    param: string | null;
    code: string | null;
  };
}

/** An HTTP error status with a body: OpenAI-shaped JSON, or any text (a proxy's HTML page). */
export interface HttpErrorReply extends ReplyTiming {
  kind: 'http_error';
  status: number;
  body: OpenAIErrorBody | string;
  headers?: Record<string, string> | undefined;
}

/** The connection is reset (TCP RST) before any response byte is sent. */
export interface ConnectionResetReply extends ReplyTiming {
  kind: 'connection_reset';
}

/** No response at all: the request hangs until the client gives up or the server closes. */
export interface StallReply {
  kind: 'stall';
}

/**
 * A response that starts and never finishes. For a streaming request, `afterEvents` SSE
 * events are sent first; for a non-streaming one, the headers and half of the JSON body.
 * Then the socket is destroyed (`end: 'cut'`), left open without another byte (`'stall'`),
 * or the response ends as if it were whole, without `data: [DONE]` (`'close'`): what a proxy
 * that gives up on its upstream sends.
 */
export interface PartialReply {
  kind: 'partial';
  message: MessageReply;
  afterEvents?: number | undefined;
  end: 'cut' | 'stall' | 'close';
}

/** A 200 whose body cannot be parsed: broken JSON, or a broken SSE `data:` line when streaming. */
export interface MalformedReply extends ReplyTiming {
  kind: 'malformed';
}

/** One scripted answer to one `POST /v1/chat/completions`. */
export type ScriptedReply =
  | MessageReply
  | HttpErrorReply
  | ConnectionResetReply
  | StallReply
  | PartialReply
  | MalformedReply;

/** The part of a chat completions request body tests look at; everything else is kept too. */
export interface ChatCompletionRequestBody {
  model: string;
  messages: Array<{
    role: string;
    content?: unknown;
    tool_calls?: Array<{ id: string; type: string; function: { name: string; arguments: string } }>;
    tool_call_id?: string;
    name?: string;
  }>;
  tools?: Array<{
    type: string;
    function: { name: string; description?: string; parameters?: unknown; strict?: boolean };
  }>;
  response_format?:
    | { type: 'text' | 'json_object' }
    | {
        type: 'json_schema';
        json_schema: { name: string; schema: Record<string, unknown>; strict?: boolean | null };
      };
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  temperature?: number;
  max_tokens?: number;
  max_completion_tokens?: number;
  [key: string]: unknown;
}

/** A request the server received, kept so tests can count attempts and measure waits. */
export interface RecordedRequest {
  method: string;
  /** Path with query, e.g. `/v1/chat/completions`. */
  path: string;
  /** Header names lower-cased, as Node delivers them. */
  headers: Record<string, string | string[] | undefined>;
  /** The parsed JSON body, or `undefined` when it was not JSON. */
  body: ChatCompletionRequestBody | undefined;
  rawBody: string;
  /** When the request's body had arrived, from the server's clock (`Date.now` unless injected). */
  receivedAt: number;
}

/** Chooses the reply to a request; used once the queue of scripted replies is empty. */
export type ReplyHandler = (request: RecordedRequest) => ScriptedReply | Promise<ScriptedReply>;
