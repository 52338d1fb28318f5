/** A tool call as the model produced it: arguments are raw JSON text, not yet trusted. */
export interface ToolCallRequest {
  id: string;
  name: string;
  /** The JSON text the model wrote; validated against the tool's zod schema before use. */
  arguments: string;
}

/** One message of a conversation, provider-neutral. */
export type ChatMessage =
  | { role: 'system'; content: string }
  | {
      role: 'user';
      content: string;
      /**
       * The content came from outside the developer's control (an upload, a retrieved
       * document, a forwarded email): the model receives it fenced as data, and a tool loop
       * counts its conversation as untrusted from here on (see `toolLoop`).
       */
      untrusted?: boolean;
    }
  | { role: 'assistant'; content: string; toolCalls?: ToolCallRequest[] }
  | { role: 'tool'; toolCallId: string; name: string; content: string };

/** A tool as the model sees it. */
export interface ToolDefinition {
  name: string;
  description: string;
  /** JSON Schema of the arguments, made from the tool's zod schema. */
  parameters: Record<string, unknown>;
}

/** How the model must shape its answer. */
export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | {
      type: 'json_schema';
      name: string;
      schema: Record<string, unknown>;
      /** Ask for strict schema adherence where the provider supports it. */
      strict?: boolean;
    };

/** Everything a model call needs, provider-neutral. */
export interface ChatRequest {
  messages: ChatMessage[];
  tools?: ToolDefinition[];
  responseFormat?: ResponseFormat;
  temperature?: number;
  maxOutputTokens?: number;
}

/** Tokens a call used, as the provider reported them (or as the scripted model simulates). */
export interface Usage {
  /**
   * Every input token the call read, cached ones included (OpenAI's `prompt_tokens`). A
   * provider that counts cache reads and writes apart (Anthropic's `input_tokens`,
   * `cache_read_input_tokens`, `cache_creation_input_tokens`) is given here as their sum:
   * cost, token limits and quotas read this as the whole input.
   */
  inputTokens: number;
  outputTokens: number;
  /**
   * The part of `inputTokens` served from the provider's prompt cache, when reported; priced
   * at `cachedInputPerMillion`. More than `inputTokens` is an adapter's mistake, counted as
   * `inputTokens` and warned of (`model.usage_cached_over_input`).
   */
  cachedInputTokens?: number;
}

/** Why the model stopped. `length` and `refusal` are typed failures for structured output. */
export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'refusal';

/** A model's answer. */
export interface ChatResponse {
  content: string;
  toolCalls: ToolCallRequest[];
  usage: Usage;
  finishReason: FinishReason;
  /** The refusal text, when the provider reports one separately from content. */
  refusal?: string;
  /** The model name the provider says answered. */
  model?: string;
}

/** Options for one call of {@link ChatModel.generate}. */
export interface GenerateOptions {
  /**
   * Aborted when the calling state is exited, the run stops, the attempt's timeout
   * (`attemptTimeoutMs`) or the call's deadline passes. Hand it to the HTTP client, so the
   * request's connection closes and the provider stops generating; the policy settles the
   * attempt on the abort whatever `generate` does.
   */
  signal: AbortSignal;
  /** Receives text deltas as they stream, where the model streams. */
  onToken?: ((delta: string) => void) | undefined;
}

/** Price of a model's tokens, in US dollars per million tokens. */
export interface ModelPricing {
  inputPerMillion: number;
  outputPerMillion: number;
  cachedInputPerMillion?: number | undefined;
}

/** What the harness knows about a model: budgets and cost come from here. */
export interface ModelMetadata {
  /** Total tokens the model accepts, input and output together. */
  contextWindow: number;
  /** The largest output the model produces. */
  maxOutputTokens?: number | undefined;
  pricing?: ModelPricing | undefined;
  /** Whether the endpoint honours `response_format: json_schema`. */
  supportsJsonSchema?: boolean | undefined;
}

/**
 * The one interface every model provider implements. Adapters throw {@link ModelCallError}
 * so the reliability policy can tell a 429 from a 401.
 */
export interface ChatModel {
  /** The model's name as the provider knows it, e.g. `gpt-4o-mini`. */
  readonly modelName: string;
  /**
   * Identity of the endpoint for circuit breakers and rate limits, e.g.
   * `openai:https://api.openai.com/v1:gpt-4o-mini`.
   */
  readonly endpoint: string;
  readonly metadata?: ModelMetadata | undefined;
  /**
   * Credentials this model holds (its API key): the agent redacts them from everything it
   * checkpoints, journals, emits as an event or logs. Adapters set it; a model without
   * credentials leaves it out.
   */
  readonly secrets?: readonly string[] | undefined;
  /**
   * Sends the request and resolves with the whole answer. The reliability policy checks what
   * it resolves with: an answer that is not a {@link ChatResponse} (a `finishReason` left as
   * the provider's, usage that is not a count of tokens) fails the call as `model.unknown`,
   * and `finishReason: 'tool_calls'` without tool calls as `model.malformed_response`.
   */
  generate(request: ChatRequest, options: GenerateOptions): Promise<ChatResponse>;
}
