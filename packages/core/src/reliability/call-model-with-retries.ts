import { type Clock, elapsedSince, type Random, sleep } from '../clock/clock';
import { checkChatResponse } from '../model/check-chat-response';
import type { ModelCallError } from '../model/model-call-error';
import type { ChatModel, ChatRequest, ChatResponse } from '../model/types';
import type { CallScope } from './call-scope';
import type { BreakerPermit } from './circuit-breaker';
import type { EndpointGuards } from './endpoint-guards';
import {
  describeModelError,
  isFallbackModelErrorKind,
  isPacedByServer,
  toModelCallError,
} from './error-taxonomy';
import type { RateLimitReservation } from './rate-limiter';
import type { ReliabilityEvents } from './reliability-events';
import type { RetryBudgetCall } from './retry-budget';
import { planRetryDelay, type RetryDelay } from './retry-delay';
import { attemptsSpent, breakerBlocked, budgetSpent, type RetryRefusal } from './retry-refusals';
import { runAttempt } from './run-attempt';
import type { ModelRetryInfo } from './types';

/** The retry settings of a policy, resolved and checked. */
export interface RetrySettings {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  maxRetryAfterMs: number;
  attemptTimeoutMs: number;
}

/** Options of {@link callModelWithRetries}. */
export interface CallModelWithRetriesOptions {
  model: ChatModel;
  request: ChatRequest;
  scope: CallScope;
  guards: EndpointGuards;
  settings: RetrySettings;
  events: ReliabilityEvents;
  clock: Clock;
  random: Random;
  /** Attempts of the whole logical call, across models; incremented here. */
  tally: { attempts: number };
  onToken?: (delta: string, attempt: number) => void;
  onRetry?: (info: ModelRetryInfo) => void;
  estimatedInputTokens?: number;
}

/** How one model's attempts ended when they did not throw. */
export type ModelAttemptsOutcome =
  | { response: ChatResponse }
  /** This endpoint cannot serve the call now; the next model may. The error is thrown when none is left. */
  | { fallback: ModelCallError; reason: string };

/**
 * Makes up to `maxAttempts` attempts on one model, through its breaker, rate limiter and retry
 * budget, waiting between them with backoff or the server's hint. When the model cannot
 * answer this call (its breaker is open, its attempts or retry budget are spent, it asks for a
 * wait over `maxRetryAfterMs` or past the deadline, or it failed for an endpoint-specific
 * reason) the outcome says so and the caller moves on to the next model.
 *
 * Rejects with a ModelCallError for a fatal error, the deadline passed, or the caller's abort.
 */
export function callModelWithRetries(
  options: CallModelWithRetriesOptions,
): Promise<ModelAttemptsOutcome> {
  return new ModelAttempts(options).attempt(1);
}

/**
 * One model's attempts at a call, as a chain of promises over one object rather than an async
 * function's loop: while an attempt is in flight (seconds, for a model) the call holds this
 * object and the attempt's two reactions, not a suspended frame with every local of the loop.
 * Every way out ends the call's place in the retry budget (`end` is idempotent).
 */
class ModelAttempts {
  readonly #options: CallModelWithRetriesOptions;
  #lastError: ModelCallError | undefined;
  // The call counts against the endpoint's retry budget once a request is about to be sent.
  #budgetCall: RetryBudgetCall | undefined;

  constructor(options: CallModelWithRetriesOptions) {
    this.#options = options;
  }

  /** Makes attempt `attempt`, and the retries after it. */
  attempt(attempt: number): Promise<ModelAttemptsOutcome> {
    try {
      return Promise.resolve(this.#admit(attempt));
    } catch (error) {
      this.#budgetCall?.end();
      return Promise.reject(error);
    }
  }

  #admit(attempt: number): ModelAttemptsOutcome | Promise<ModelAttemptsOutcome> {
    const options = this.#options;
    const { model, guards } = options;
    const stopped = this.#stopError();
    if (stopped) throw stopped;

    const admission = guards.breaker.tryAcquire(attempt > 1);
    if (!admission.admitted) {
      return this.#end(breakerBlocked(model.endpoint, admission, this.#lastError, attempt));
    }
    const { permit } = admission;
    this.#budgetCall ??= guards.budget?.beginCall();

    // Without a rate limiter nothing is waited for: the attempt is sent now.
    if (!guards.limiter) return this.#send(attempt, permit, undefined);
    return waitForCapacity(options, () => this.#lastError).then(
      (reservation) => this.#send(attempt, permit, reservation),
      (error: unknown) => {
        permit.release();
        this.#budgetCall?.end();
        throw error;
      },
    );
  }

  #send(
    attempt: number,
    permit: BreakerPermit,
    reservation: RateLimitReservation | undefined,
  ): Promise<ModelAttemptsOutcome> {
    const options = this.#options;
    const { model, scope, clock, tally } = options;
    tally.attempts += 1;
    const startedAt = clock.now();
    const { onToken } = options;
    const ofAttempt = tally.attempts;
    let running: Promise<ChatResponse>;
    try {
      running = runAttempt({
        model,
        request: options.request,
        signal: scope.signal,
        timeoutMs: options.settings.attemptTimeoutMs,
        deadlineInMs: scope.remainingMs(),
        clock,
        onToken: onToken && ((delta) => onToken(delta, ofAttempt)),
      });
    } catch (error) {
      running = Promise.reject(error);
    }
    return running.then(
      (response) => this.#answered(attempt, permit, reservation, startedAt, response),
      (thrown: unknown) => this.#failed(attempt, permit, startedAt, thrown),
    );
  }

  #answered(
    attempt: number,
    permit: BreakerPermit,
    reservation: RateLimitReservation | undefined,
    startedAt: number,
    response: ChatResponse,
  ): ModelAttemptsOutcome | Promise<ModelAttemptsOutcome> {
    const { model, events, clock } = this.#options;
    try {
      // An adapter is code of the user's: what it returned is checked before anything reads it.
      checkChatResponse(response, model.endpoint);
      permit.success();
      reservation?.settle(response.usage.inputTokens + response.usage.outputTokens);
      // Every call's path: no payload built (nor the clock read) when nobody listens.
      if (events.isObserved('attempt')) {
        events.emit('attempt', {
          endpoint: model.endpoint,
          model: model.modelName,
          attempt,
          outcome: 'success',
          latencyMs: elapsedSince(clock, startedAt),
        });
      }
    } catch (thrown) {
      // As for an attempt that failed: the work after the answer is part of the attempt.
      return this.#failed(attempt, permit, startedAt, thrown);
    }
    return this.#end({ response });
  }

  #failed(
    attempt: number,
    permit: BreakerPermit,
    startedAt: number,
    thrown: unknown,
  ): ModelAttemptsOutcome | Promise<ModelAttemptsOutcome> {
    try {
      return this.#retryAfter(attempt, permit, startedAt, thrown);
    } catch (error) {
      this.#budgetCall?.end();
      throw error;
    }
  }

  #retryAfter(
    attempt: number,
    permit: BreakerPermit,
    startedAt: number,
    thrown: unknown,
  ): ModelAttemptsOutcome | Promise<ModelAttemptsOutcome> {
    const { model, scope, guards, settings, events, clock, onRetry } = this.#options;
    const { endpoint } = model;
    // Stopped by the caller or the deadline: the outcome says nothing about the endpoint.
    const stoppedNow = this.#stopError();
    const error = stoppedNow ?? toModelCallError(thrown, endpoint);
    // A 429 with a hint is the server pacing a burst, not failing: neither the breaker nor the
    // budget judge it (ADR 0100), or a burst over a rate limit would read as an outage.
    const paced = !stoppedNow && isPacedByServer(error);
    if (!stoppedNow && error.retryable && !paced) permit.failure(describeModelError(error));
    else permit.release();
    events.emit('attempt', {
      endpoint,
      model: model.modelName,
      attempt,
      outcome: 'failure',
      errorKind: error.kind,
      reason: describeModelError(error),
      latencyMs: elapsedSince(clock, startedAt),
    });
    if (stoppedNow) throw stoppedNow;
    this.#lastError = error;

    if (!error.retryable) {
      if (isFallbackModelErrorKind(error.kind))
        return this.#end({ fallback: error, reason: describeModelError(error) });
      throw error;
    }
    const blocked = guards.breaker.blockedReason();
    if (blocked) {
      // This failure (or a concurrent one) opened the breaker: waiting to retry here is futile.
      const probeInMs = guards.breaker.probeInMs();
      return this.#end(
        breakerBlocked(endpoint, { reason: blocked, probeInMs }, error, attempt + 1),
      );
    }
    if (attempt >= settings.maxAttempts) return this.#end(attemptsSpent(endpoint, error, attempt));
    // Planned before the budget is asked, so a retry that is not sent takes no share of it.
    const plan = this.#planRetry(error, attempt);
    if ('fallback' in plan) return this.#end(plan);
    const { delayMs, source } = plan;
    const budgetCall = this.#budgetCall;
    if (budgetCall && guards.budget && !paced && !budgetCall.tryRetry()) {
      const refusal = budgetSpent(endpoint, error, attempt, guards.budget.usage());
      events.emit('budget.exhausted', refusal.event);
      return this.#end(refusal);
    }
    const info: ModelRetryInfo = {
      endpoint,
      attempt,
      delayMs,
      reason: describeModelError(error),
    };
    onRetry?.(info);
    events.emit('retry', { ...info, delaySource: source });
    return sleep(clock, delayMs, scope.signal).then(
      () => this.attempt(attempt + 1),
      (aborted: unknown) => {
        this.#budgetCall?.end();
        throw this.#stopError() ?? aborted;
      },
    );
  }

  /**
   * The wait before retrying after `error`, or why this endpoint cannot be waited for: it asks
   * for longer than `maxRetryAfterMs` (`retry_hint_too_long`) or than the call's deadline
   * leaves (`deadline_exceeded`). Then the next model may answer at once, so the call moves
   * on; with none left, that error is the call's.
   */
  #planRetry(error: ModelCallError, attempt: number): RetryDelay | RetryRefusal {
    const { model, scope, settings, random, tally } = this.#options;
    let delay: RetryDelay;
    try {
      delay = planRetryDelay({ error, attempt, random, ...settings });
    } catch (tooLong) {
      const refusal = toModelCallError(tooLong, model.endpoint);
      return { fallback: refusal, reason: describeModelError(refusal) };
    }
    if (delay.delayMs < scope.remainingMs()) return delay;
    const deadline = scope.deadlineError(
      { endpoint: model.endpoint, attempts: tally.attempts, lastError: error },
      error.retryAfterMs,
    );
    return { fallback: deadline, reason: describeModelError(deadline) };
  }

  /** The error that stops the call now (the caller aborted, the deadline passed), if any. */
  #stopError(): ModelCallError | undefined {
    const { scope, model, tally } = this.#options;
    return scope.stopError({
      endpoint: model.endpoint,
      attempts: tally.attempts,
      lastError: this.#lastError,
    });
  }

  /** The model's attempts are over with `outcome`: the call leaves the retry budget. */
  #end(outcome: ModelAttemptsOutcome): ModelAttemptsOutcome {
    this.#budgetCall?.end();
    return outcome;
  }
}

/** Reserves rate limiter capacity and waits for it, within the call's deadline. */
async function waitForCapacity(
  {
    model,
    guards,
    scope,
    events,
    clock,
    tally,
    estimatedInputTokens = 0,
  }: CallModelWithRetriesOptions,
  lastError: () => ModelCallError | undefined,
): Promise<RateLimitReservation | undefined> {
  if (!guards.limiter) return undefined;
  const { endpoint } = model;
  const reservation = guards.limiter.reserve(estimatedInputTokens);
  if (reservation.delayMs === 0) return reservation;
  if (reservation.delayMs >= scope.remainingMs()) {
    reservation.cancel();
    throw scope.deadlineError({ endpoint, attempts: tally.attempts, lastError: lastError() });
  }
  events.emit('limiter.wait', {
    endpoint,
    delayMs: reservation.delayMs,
    reason: reservation.reason,
  });
  try {
    await sleep(clock, reservation.delayMs, scope.signal);
  } catch (aborted) {
    reservation.cancel();
    throw (
      scope.stopError({ endpoint, attempts: tally.attempts, lastError: lastError() }) ?? aborted
    );
  }
  return reservation;
}
