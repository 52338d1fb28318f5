import type { FinishReason, Usage } from '../../model/types';

/** A tool call a {@link ProviderReply} makes, its arguments as the object the model meant. */
export interface ProviderToolCall {
  id: string;
  name: string;
  arguments: Record<string, unknown>;
}

/**
 * A whole answer. Streamed (the adapter asked for a stream), its text goes out as `chunks`,
 * in order, one delta each. `usage` is in agentchart's terms: `inputTokens` counts the cached
 * ones too; a provider that reports its cache apart is sent `inputTokens - cachedInputTokens`
 * as its uncached input.
 */
export interface ProviderAnswerReply {
  kind: 'answer';
  /** The text, `''` when the model only called tools. */
  content: string;
  /** `content` split into deltas, for a streamed answer. */
  chunks: readonly string[];
  toolCalls: readonly ProviderToolCall[];
  /** Send your provider's own stop reason for this one (`length`: Anthropic's `max_tokens`). */
  finishReason: FinishReason;
  /** For `finishReason: 'refusal'`: the refusal's text, where your provider sends it apart. */
  refusal?: string | undefined;
  usage: Usage;
}

/**
 * What the error replies stand for. Answer each as your provider would, with its status and
 * body: `rate_limited` is a 429 (with the hint in the headers your provider uses, when
 * `retryAfterSeconds` is given); `quota_exhausted` the answer for a used-up quota or credit;
 * `server_error` a 500, `overloaded` your provider's answer when it is over capacity (a 503,
 * Anthropic's 529 `overloaded_error`); `context_length` a request over the model's window.
 */
export type ProviderFault =
  | 'rate_limited'
  | 'quota_exhausted'
  | 'server_error'
  | 'overloaded'
  | 'bad_request'
  | 'context_length'
  | 'authentication'
  | 'permission'
  | 'not_found';

/** An HTTP error, as your provider sends it for `fault`. */
export interface ProviderErrorReply {
  kind: 'error';
  fault: ProviderFault;
  /** The server's retry hint, in seconds (a `retry-after: 2` header, or your provider's). */
  retryAfterSeconds?: number | undefined;
}

/**
 * How a reply can fail on the wire: `reset` closes the connection before any byte of an
 * answer; `malformed` answers 200 with a body that does not parse; `stall` sends nothing and
 * keeps the connection open until the client closes it; `cut_stream` starts a streamed answer
 * (its first chunk or more) and destroys the connection before its end.
 */
export interface ProviderWireReply {
  kind: 'reset' | 'malformed' | 'stall' | 'cut_stream';
}

/**
 * What the conformance suite asks your test server to answer the adapter's next request with,
 * in provider-neutral terms: `serve` sends it in your provider's protocol.
 */
export type ProviderReply = ProviderAnswerReply | ProviderErrorReply | ProviderWireReply;

/**
 * What not every provider has: a suite given `without: ['content_filter']` leaves out the
 * cases that need it. `prompt_cache`: usage that reports cached input tokens.
 */
export type ProviderFeature = 'streaming' | 'refusal' | 'content_filter' | 'prompt_cache';
