import type { ChatMessage, ChatRequest, ResponseFormat, ToolDefinition } from '../model/types';

/** Options of {@link TokenCounter.countTools}. */
export interface CountToolsOptions {
  /**
   * Whether the request has a system message. OpenAI renders tool definitions into the
   * system message when there is one (4 tokens fewer than a system message of their own).
   */
  hasSystemMessage?: boolean | undefined;
}

/**
 * Counts the tokens a request takes in a model's context window: text, messages with their
 * framing, tool schemas and a structured-output schema.
 *
 * Core ships {@link estimateTokenCounter}, a conservative estimate with no dependency; the
 * exact counter for OpenAI's encodings is in `@agentchart/tokenizer`. Both follow OpenAI's
 * chat format (see {@link createTokenCounter}); another model family plugs in its own.
 */
export interface TokenCounter {
  /** What counts are made with: an encoding (`o200k_base`) or `estimate`. */
  readonly encoding: string;
  /** True when counts come from the model's own tokenizer; false for an estimate. */
  readonly exact: boolean;
  /** Tokens of plain text. */
  countText(text: string): number;
  /** Tokens of one message in a request, its framing (role, separators, tool calls) included. */
  countMessage(message: ChatMessage): number;
  /** Tokens of a conversation: every message, plus the tokens that prime the reply. */
  countMessages(messages: readonly ChatMessage[]): number;
  /** Tokens the tool definitions add to a request; 0 for none. */
  countTools(tools: readonly ToolDefinition[], options?: CountToolsOptions): number;
  /** Tokens a `json_schema` response format adds; 0 for text and `json_object`. */
  countResponseFormat(format: ResponseFormat | undefined): number;
  /** Input tokens of a whole request: messages, reply priming, tools and response format. */
  countRequest(request: ChatRequest): number;
}
