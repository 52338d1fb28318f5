import type { Clock, Random } from '../clock/clock';
import type { ModelErrorKind } from '../model/model-call-error';
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

/** The state of one endpoint's circuit breaker. */
export type CircuitState = 'closed' | 'open' | 'half-open';

/** Options of the circuit breaker kept for each model endpoint. */
export interface CircuitBreakerOptions {
  /**
   * Consecutive retryable failures (429, 5xx, timeouts, resets, malformed bodies) that open
   * the breaker. Fatal errors such as a 400 say nothing about the endpoint and do not count.
   * Default 5.
   */
  failureThreshold?: number;
  /** How long the breaker stays open before it lets one probe call through. Default 30 000. */
  cooldownMs?: number;
}

/** Requests and tokens per minute one endpoint may receive from every run sharing the policy. */
export interface RateLimitOptions {
  /** Requests per minute; unlimited when absent. */
  requestsPerMinute?: number;
  /**
   * Tokens per minute, charged with `estimatedInputTokens` before the call and corrected with
   * the usage the provider reports (input + output) after it; unlimited when absent.
   */
  tokensPerMinute?: number;
  /** The longest a call waits for capacity before it fails with `rate_limiter_timeout`. Default 30 000. */
  maxWaitMs?: number;
}

/**
 * Retry throttling as in gRPC (A6): each endpoint holds `maxTokens` tokens; a retryable failure
 * takes one, a success gives back `tokenRatio`; retries are allowed only while more than half
 * the tokens remain. During an outage, retries stop after a handful of failures.
 */
export interface RetryBudgetOptions {
  /** Default 10. */
  maxTokens?: number;
  /** In (0, 1]. Default 0.1. */
  tokenRatio?: number;
}

/** Options of {@link createReliabilityPolicy}. Every duration is in milliseconds on `clock`. */
export interface ReliabilityPolicyOptions {
  /** Attempts per model of one logical call, the first included. Default 3. */
  maxAttempts?: number;
  /** The backoff before the first retry, before jitter; it doubles per retry. Default 500. */
  baseDelayMs?: number;
  /** The largest backoff, before jitter. Default 30 000. */
  maxDelayMs?: number;
  /**
   * The longest server retry hint (`retry-after-ms`, `Retry-After`) the policy waits for; a longer
   * hint fails the call at once with `retry_hint_too_long`. Default 60 000.
   */
  maxRetryAfterMs?: number;
  /** One deadline for the whole logical call, attempts and waits included. Default 300 000. */
  deadlineMs?: number;
  /** The longest one attempt may take before its signal aborts (kind `timeout`). Default 120 000. */
  attemptTimeoutMs?: number;
  /** Breaker per endpoint; `false` turns breakers off. */
  breaker?: CircuitBreakerOptions | false;
  /** The limits applied to every endpoint; none when absent. */
  rateLimit?: RateLimitOptions;
  /** Limits for particular endpoints (by {@link ChatModel.endpoint}), replacing `rateLimit`. */
  rateLimitByEndpoint?: Readonly<Record<string, RateLimitOptions>>;
  /** Retry throttling per endpoint; `false` turns it off. */
  retryBudget?: RetryBudgetOptions | false;
  /** Time and timers; inject a manual clock in tests. Default the system clock. */
  clock?: Clock;
  /** Randomness in [0, 1) for backoff jitter. Default `Math.random`. */
  random?: Random;
}

/** Payload of each policy event, by name. Every event also carries `type` and `at` (clock time). */
export interface ReliabilityEventPayloads {
  /** One attempt ended. */
  attempt: {
    endpoint: string;
    model: string;
    /** The attempt on this model, from 1. */
    attempt: number;
    outcome: 'success' | 'failure';
    /** The failure's kind, when it failed. */
    errorKind?: ModelErrorKind;
    /** The failure's kind and message, when it failed. */
    reason?: string;
    latencyMs: number;
  };
  /** The policy waits before the next attempt on the same model. */
  retry: ModelRetryInfo & {
    /** `retry_hint` when the server said how long to wait, `backoff` otherwise. */
    delaySource: 'backoff' | 'retry_hint';
  };
  /** An endpoint's breaker changed state. */
  'breaker.change': { endpoint: string; from: CircuitState; to: CircuitState; reason: string };
  /** A retry was refused because the endpoint's retry budget is spent. */
  'budget.exhausted': { endpoint: string; tokens: number; reason: string };
  /** A call waits for rate limiter capacity. */
  'limiter.wait': { endpoint: string; delayMs: number; reason: string };
  /** The call moves on to the next model of the chain. */
  fallback: { from: string; to: string; reason: string };
}

/** Every policy event name. */
export type ReliabilityEventType = keyof ReliabilityEventPayloads;

/** One policy event, discriminated by `type`. */
export type ReliabilityEvent<TType extends ReliabilityEventType = ReliabilityEventType> = {
  [K in TType]: { type: K; at: number } & ReliabilityEventPayloads[K];
}[TType];

/** A listener of one policy event type. */
export type ReliabilityEventListener<TType extends ReliabilityEventType = ReliabilityEventType> = (
  event: ReliabilityEvent<TType>,
) => void;

/** What the policy knows about one endpoint right now. */
export interface EndpointStatus {
  breaker: CircuitState;
  /** Tokens left in the endpoint's retry budget (`Infinity` when the budget is off). */
  retryTokens: number;
}

/**
 * The harness's reliability layer: retries with backoff, deadlines, a breaker, a rate limiter
 * and a retry budget per endpoint, shared by every run that uses it.
 */
export interface ReliabilityPolicy extends ModelCallPolicy {
  /** Listens to one event type; returns a function that stops listening. */
  on<TType extends ReliabilityEventType>(
    type: TType,
    listener: ReliabilityEventListener<TType>,
  ): () => void;
  /** The breaker state and retry tokens of an endpoint (closed and full when never called). */
  status(endpoint: string): EndpointStatus;
}
