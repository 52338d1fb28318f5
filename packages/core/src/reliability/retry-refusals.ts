import { ModelCallError } from '../model/model-call-error';
import { describeModelError } from './error-taxonomy';
import type { RetryBudgetUsage } from './retry-budget';
import type { ReliabilityEventPayloads } from './types';

/**
 * Why a model gives up on a call without an answer while the error was retryable: the error
 * to throw when no fallback model is left, and the reason for the `fallback` event.
 */
export interface RetryRefusal {
  fallback: ModelCallError;
  reason: string;
}

const fallbackAdvice = 'Add a fallback model to `models`';

/** The attempts so far and how the last one failed, for the messages below. */
function failedSoFar(endpoint: string, lastError: ModelCallError, attempts: number): string {
  return (
    `${attempts === 1 ? 'The attempt' : `All ${attempts} attempts`} on ${endpoint} failed` +
    `${attempts === 1 ? '' : ', the last'} with ${describeModelError(lastError)}`
  );
}

/**
 * The breaker refused `attempt`: fail fast with `circuit_open`, saying whether it was the
 * first attempt or a retry it blocked, so the error never reads as the retryable one before.
 * `probeInMs` (when the breaker is open, not half-open) becomes the error's `retryAfterMs`.
 */
export function breakerBlocked(
  endpoint: string,
  { reason, probeInMs }: { reason: string; probeInMs: number | undefined },
  lastError: ModelCallError | undefined,
  attempt: number,
): RetryRefusal {
  const breaker = `the circuit breaker of ${endpoint} is ${reason}`;
  const message = lastError
    ? `${failedSoFar(endpoint, lastError, attempt - 1)}; no retry was sent because ${breaker}. ` +
      `${fallbackAdvice}, or call again once the breaker has closed.`
    : `The call to ${endpoint} failed fast without reaching it: ${breaker}. ` +
      `${fallbackAdvice}, or call again once the breaker has closed.`;
  const error = new ModelCallError({
    kind: 'circuit_open',
    endpoint,
    message,
    retryAfterMs: probeInMs,
    cause: lastError,
  });
  return { fallback: error, reason: `circuit breaker ${reason}` };
}

/** `error`'s kind, status and hint with a message about why no retry follows. */
function finalError(error: ModelCallError, message: string): ModelCallError {
  return new ModelCallError({
    kind: error.kind,
    endpoint: error.endpoint,
    status: error.status,
    retryAfterMs: error.retryAfterMs,
    message,
    cause: error,
  });
}

/** The last allowed attempt failed: the call moves on with `error`'s kind and a message saying so. */
export function attemptsSpent(
  endpoint: string,
  error: ModelCallError,
  attempts: number,
): RetryRefusal {
  const message =
    `${failedSoFar(endpoint, error, attempts)}; maxAttempts (${attempts}) allows no more. ` +
    `${fallbackAdvice}, or raise maxAttempts.`;
  return {
    fallback: finalError(error, message),
    reason: `${attempts} attempt(s) failed (last: ${describeModelError(error)})`,
  };
}

/**
 * The retry budget refused a retry after `error`: the call moves on with `error`'s kind and a
 * message about the budget, plus the `budget.exhausted` event to emit.
 */
export function budgetSpent(
  endpoint: string,
  error: ModelCallError,
  attempts: number,
  usage: RetryBudgetUsage,
): RetryRefusal & { event: ReliabilityEventPayloads['budget.exhausted'] } {
  const state = `${usage.retries} retries against ${usage.calls} calls in flight or ended within its window, the most it allows is ${usage.limit}`;
  const reason = `retry after ${describeModelError(error)} refused: the retry budget of ${endpoint} is spent (${state})`;
  // Not "many calls are failing at once": a quiet process whose calls each fail once spends
  // the budget's minimum one call after another.
  const message =
    `${failedSoFar(endpoint, error, attempts)}; no retry was sent because the retry budget of ` +
    `${endpoint} is spent (${state}): retries are capped at a share of recent calls (retryBudget.ratio, ` +
    'at least retryBudget.minRetries within retryBudget.windowMs), so an endpoint failing for ' +
    `everyone is not sent more traffic. ${fallbackAdvice}, or raise retryBudget.minRetries (a ` +
    'service with few calls, many of which fail once) or retryBudget.ratio (one with many).';
  return {
    fallback: finalError(error, message),
    reason,
    event: { endpoint, retries: usage.retries, calls: usage.calls, reason },
  };
}
