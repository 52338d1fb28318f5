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
  /**
   * The primary model first, then fallbacks: the next is tried when a model's breaker is open,
   * its retries are spent (attempts or budget) or it fails for an endpoint-specific reason.
   */
  models: readonly ChatModel[];
  request: ChatRequest;
  /** The caller's signal: the state was exited or the run stopped. */
  signal: AbortSignal;
  /**
   * Receives each streamed delta with the attempt it belongs to, counted across models from 1
   * (`ModelCallResult.attempts` at that moment): a delta of a later attempt than the last one
   * shown starts the answer over, as the attempt before it failed part-way.
   */
  onToken?: ((delta: string, attempt: number) => void) | undefined;
  onRetry?: ((info: ModelRetryInfo) => void) | undefined;
  /**
   * Receives what happened around this call: its moves to a fallback model, and breaker
   * changes of its models' endpoints while it was under way. The runtime forwards these to
   * the run's own event stream.
   */
  onFallback?: ((info: { from: string; to: string; reason: string }) => void) | undefined;
  onBreakerChange?:
    | ((change: { endpoint: string; from: CircuitState; to: CircuitState; reason: string }) => void)
    | undefined;
  /** Input tokens the request is expected to use, for a tokens-per-minute limiter. */
  estimatedInputTokens?: number | undefined;
}

/** What a logical model call returns. */
export interface ModelCallResult {
  response: ChatResponse;
  /** The model that answered: a fallback when the primary could not. */
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
  /**
   * True when a call made now would pass over this endpoint without a request (its breaker
   * is open): the response cache then keys a call by the model that would answer it, so
   * identical calls during an outage share the fallback's answer. Optional; without it every
   * call is keyed by its first model.
   */
  passesOver?(endpoint: string): boolean;
}

/** A policy that makes exactly one attempt on the first model: no retries, no limits. */
export const singleAttemptPolicy: ModelCallPolicy = {
  async call({ models, request, signal, onToken }) {
    const model = models[0];
    if (!model) throw new TypeError('singleAttemptPolicy.call: no model given');
    const response = await model.generate(request, {
      signal,
      ...(onToken ? { onToken: (delta: string) => onToken(delta, 1) } : {}),
    });
    return { response, model, attempts: 1 };
  },
};

/** The state of one endpoint's circuit breaker. */
export type CircuitState = 'closed' | 'open' | 'half-open';

/**
 * Options of the circuit breaker kept for each model endpoint. It judges the endpoint's error
 * rate over a sliding window with a minimum volume, as Hystrix and Envoy's outlier detection
 * do, so an ordinary burst of transient faults never opens it while an outage does; and the
 * same rate over the failures since the last success, so an outage that follows busy traffic
 * opens it though the window still holds the successes from before. Only
 * retryable failures (429, 5xx, timeouts, resets, malformed bodies) count as failures; a 400
 * or an abort says nothing about the endpoint and is not counted at all, and neither is a 429
 * with a retry hint: the server is pacing a burst, not failing (ADR 0100).
 */
export interface CircuitBreakerOptions {
  /**
   * The share of the window's requests that failed at which the breaker opens, in (0, 1].
   * Requests still in flight count as not failed: fast failures that come back before slow
   * answers do not make a burst look like an outage. Default 0.5 (Hystrix's 50%).
   */
  failureRateThreshold?: number | undefined;
  /**
   * Requests that must have ended within the window before the breaker judges the rate at
   * all, so a handful of failures at low traffic cannot open it, and the failures in a row
   * that open it whatever the window holds; `Infinity` means never open. Default 20
   * (Hystrix's request volume threshold).
   */
  minimumRequests?: number | undefined;
  /** The sliding window the rate is judged over, forgotten in tenths. Default 10 000. */
  windowMs?: number | undefined;
  /**
   * How long the breaker stays open before it lets one probe call through. Default 30 000
   * (Envoy's base ejection time).
   */
  cooldownMs?: number | undefined;
}

/** Requests and tokens per minute one endpoint may receive from every run sharing the policy. */
export interface RateLimitOptions {
  /** Requests per minute; unlimited when absent. */
  requestsPerMinute?: number | undefined;
  /**
   * Tokens per minute, charged with `estimatedInputTokens` before the call and corrected with
   * the usage the provider reports (input + output) after it; unlimited when absent.
   */
  tokensPerMinute?: number | undefined;
  /** The longest a call waits for capacity before it fails with `rate_limiter_timeout`. Default 30 000. */
  maxWaitMs?: number | undefined;
}

/**
 * Retries per endpoint, sized for the traffic as Envoy's retry budget is: retries may be at
 * most `ratio` of the endpoint's active calls, with a minimum so a lone caller can still
 * retry. A call or retry is active while it is in progress and for `windowMs` after it ended,
 * so a retry made after a backoff is weighed against the burst it belongs to. The more calls
 * run concurrently, the more retries are allowed; in an outage the retries stay under
 * `ratio` of the calls, so it costs at most `1 + ratio` requests per call. A retry after a 429
 * with a retry hint is not asked of the budget: it waits the hint the server gave, bounded by
 * `maxAttempts` (ADR 0100).
 */
export interface RetryBudgetOptions {
  /** The most retries as a share of active calls, in (0, 1]. Default 0.2 (Envoy's 20%). */
  ratio?: number | undefined;
  /**
   * Retries allowed whatever the traffic, so a lone caller can retry. Default 3 (Envoy's
   * minimum retry concurrency), or `maxAttempts - 1` when that is more, up to 10.
   */
  minRetries?: number | undefined;
  /** How long an ended call or retry still counts. Default 10 000. */
  windowMs?: number | undefined;
}

/** Options of {@link createReliabilityPolicy}. Every duration is in milliseconds on `clock`. */
export interface ReliabilityPolicyOptions {
  /** Attempts per model of one logical call, the first included. Default 3. */
  maxAttempts?: number | undefined;
  /** The backoff before the first retry, before jitter; it doubles per retry. Default 500. */
  baseDelayMs?: number | undefined;
  /** The largest backoff, before jitter. Default 30 000. */
  maxDelayMs?: number | undefined;
  /**
   * The longest server retry hint (`retry-after-ms`, `Retry-After`) the policy waits for; after a
   * longer hint the call moves to the next model at once, or with none left fails with
   * `retry_hint_too_long`. Default 60 000.
   */
  maxRetryAfterMs?: number | undefined;
  /** One deadline for the whole logical call, attempts and waits included. Default 300 000. */
  deadlineMs?: number | undefined;
  /** The longest one attempt may take before its signal aborts (kind `timeout`). Default 120 000. */
  attemptTimeoutMs?: number | undefined;
  /** Breaker per endpoint; `false` turns breakers off. */
  breaker?: CircuitBreakerOptions | false | undefined;
  /** The limits applied to every endpoint; none when absent. */
  rateLimit?: RateLimitOptions | undefined;
  /** Limits for particular endpoints (by {@link ChatModel.endpoint}), replacing `rateLimit`. */
  rateLimitByEndpoint?: Readonly<Record<string, RateLimitOptions>> | undefined;
  /** Retry budget per endpoint; `false` turns it off. */
  retryBudget?: RetryBudgetOptions | false | undefined;
  /** Time and timers; inject a manual clock in tests. Default the system clock. */
  clock?: Clock | undefined;
  /** Randomness in [0, 1) for backoff jitter. Default `Math.random`. */
  random?: Random | undefined;
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
  'budget.exhausted': {
    endpoint: string;
    /** Retries active in the window, the refused one not included. */
    retries: number;
    /** Calls active in the window. */
    calls: number;
    reason: string;
  };
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
  /** Retries the endpoint's budget would grant now (`Infinity` when the budget is off). */
  retriesAllowed: number;
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
