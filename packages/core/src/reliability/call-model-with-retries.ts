import { type Clock, elapsedSince, type Random, sleep } from '../clock/clock';
import type { ModelCallError } from '../model/model-call-error';
import type { ChatModel, ChatRequest, ChatResponse } from '../model/types';
import type { CallScope } from './call-scope';
import type { EndpointGuards } from './endpoint-guards';
import { describeModelError, isFallbackModelErrorKind, toModelCallError } from './error-taxonomy';
import type { RateLimitReservation } from './rate-limiter';
import type { ReliabilityEvents } from './reliability-events';
import type { RetryBudgetCall } from './retry-budget';
import { planRetryDelay } from './retry-delay';
import { attemptsSpent, breakerBlocked, budgetSpent } from './retry-refusals';
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
  onToken?: (delta: string) => void;
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
 * answer this call (its breaker is open, its attempts or retry budget are spent, or it failed
 * for an endpoint-specific reason) the outcome says so and the caller moves on to the next model.
 *
 * @throws ModelCallError for a fatal error, a hint over the cap, the deadline, or the caller's abort.
 */
export async function callModelWithRetries(
  options: CallModelWithRetriesOptions,
): Promise<ModelAttemptsOutcome> {
  const { model, scope, guards, settings, events, clock, random, tally, onRetry } = options;
  const { endpoint } = model;
  let lastError: ModelCallError | undefined;
  // The call counts against the endpoint's retry budget once a request is about to be sent.
  let budgetCall: RetryBudgetCall | undefined;
  const stopError = () => scope.stopError({ endpoint, attempts: tally.attempts, lastError });

  try {
    for (let attempt = 1; ; attempt += 1) {
      const stopped = stopError();
      if (stopped) throw stopped;

      const admission = guards.breaker.tryAcquire();
      if (!admission.admitted)
        return breakerBlocked(endpoint, admission.reason, lastError, attempt);
      const { permit } = admission;
      budgetCall ??= guards.budget?.beginCall();

      let reservation: RateLimitReservation | undefined;
      try {
        reservation = await waitForCapacity(options, () => lastError);
      } catch (error) {
        permit.release();
        throw error;
      }

      tally.attempts += 1;
      const startedAt = clock.now();
      let error: ModelCallError;
      try {
        const response = await runAttempt({
          model,
          request: options.request,
          signal: scope.signal,
          timeoutMs: settings.attemptTimeoutMs,
          deadlineInMs: scope.remainingMs(),
          clock,
          onToken: options.onToken,
        });
        permit.success();
        reservation?.settle(response.usage.inputTokens + response.usage.outputTokens);
        // Every call's path: no payload built (nor the clock read) when nobody listens.
        if (events.isObserved('attempt')) {
          events.emit('attempt', {
            endpoint,
            model: model.modelName,
            attempt,
            outcome: 'success',
            latencyMs: elapsedSince(clock, startedAt),
          });
        }
        return { response };
      } catch (thrown) {
        // Stopped by the caller or the deadline: the outcome says nothing about the endpoint.
        const stoppedNow = stopError();
        error = stoppedNow ?? toModelCallError(thrown, endpoint);
        if (!stoppedNow && error.retryable) permit.failure(describeModelError(error));
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
      }
      lastError = error;

      if (!error.retryable) {
        if (isFallbackModelErrorKind(error.kind))
          return { fallback: error, reason: describeModelError(error) };
        throw error;
      }
      const blocked = guards.breaker.blockedReason();
      if (blocked) {
        // This failure (or a concurrent one) opened the breaker: waiting to retry here is futile.
        return breakerBlocked(endpoint, blocked, error, attempt + 1);
      }
      if (attempt >= settings.maxAttempts) return attemptsSpent(endpoint, error, attempt);
      if (budgetCall && guards.budget && !budgetCall.tryRetry()) {
        const refusal = budgetSpent(endpoint, error, attempt, guards.budget.usage());
        events.emit('budget.exhausted', refusal.event);
        return refusal;
      }

      const { delayMs, source } = planRetryDelay({ error, attempt, random, ...settings });
      if (delayMs >= scope.remainingMs()) {
        throw scope.deadlineError({ endpoint, attempts: tally.attempts, lastError: error });
      }
      const info: ModelRetryInfo = {
        endpoint,
        attempt,
        delayMs,
        reason: describeModelError(error),
      };
      onRetry?.(info);
      events.emit('retry', { ...info, delaySource: source });
      try {
        await sleep(clock, delayMs, scope.signal);
      } catch (aborted) {
        throw stopError() ?? aborted;
      }
    }
  } finally {
    budgetCall?.end();
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
