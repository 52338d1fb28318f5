import type { ChatModel, ChatRequest, ChatResponse } from '../model/types';

/** One retry the policy is about to make, reported before it waits. */
export interface ModelRetryInfo {
  endpoint: string;
  /** The attempt that failed, from 1. */
  attempt: number;
  /** How long the policy waits before the next attempt. */
  delayMs: number;
  /** Why: the failed attempt's error kind and message. */
  reason: string;
}

/** Options of one logical model call through a {@link ModelCallPolicy}. */
export interface ModelCallOptions {
  /** The primary model first, then fallbacks tried while a breaker is open or it fails fatally. */
  models: readonly ChatModel[];
  request: ChatRequest;
  /** The caller's signal: the state was exited or the run stopped. */
  signal: AbortSignal;
  onToken?: (delta: string) => void;
  onRetry?: (info: ModelRetryInfo) => void;
  /** Input tokens the request is expected to use, for a tokens-per-minute limiter. */
  estimatedInputTokens?: number;
}

/** What a logical model call returns. */
export interface ModelCallResult {
  response: ChatResponse;
  /** The model that answered (a fallback, when the primary's breaker was open). */
  model: ChatModel;
  /** Attempts made across models, 1 when the first succeeded. */
  attempts: number;
}

/**
 * The one place model calls are retried, limited and broken. The runtime sends every model
 * call through the agent's policy; provider SDK retries stay off.
 */
export interface ModelCallPolicy {
  call(options: ModelCallOptions): Promise<ModelCallResult>;
}

/** A policy that makes exactly one attempt on the first model: no retries, no limits. */
export const singleAttemptPolicy: ModelCallPolicy = {
  async call({ models, request, signal, onToken }) {
    const model = models[0];
    if (!model) throw new TypeError('singleAttemptPolicy.call: no model given');
    const response = await model.generate(request, { signal, onToken });
    return { response, model, attempts: 1 };
  },
};
