import type { Random } from '../clock/clock';
import { ModelCallError } from '../model/model-call-error';
import { maxTimerMs } from './validate-option';

/** Options of {@link fullJitterBackoff}. */
export interface FullJitterBackoffOptions {
  /** The retry about to be made, from 1. */
  retry: number;
  baseDelayMs: number;
  maxDelayMs: number;
  random: Random;
}

/**
 * Exponential backoff with full jitter: a uniform delay in [0, min(max, base · 2^(retry-1))).
 * Full jitter spreads clients that failed together over the whole window, so they do not
 * come back together (AWS Architecture Blog, "Exponential Backoff and Jitter").
 */
export function fullJitterBackoff({
  retry,
  baseDelayMs,
  maxDelayMs,
  random,
}: FullJitterBackoffOptions): number {
  const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** (retry - 1));
  return Math.floor(random() * ceiling);
}

/** Options of {@link planRetryDelay}. */
export interface PlanRetryDelayOptions extends Omit<FullJitterBackoffOptions, 'retry'> {
  /** The failed attempt's error. */
  error: ModelCallError;
  /** The attempt that failed, from 1. */
  attempt: number;
  maxRetryAfterMs: number;
}

/** How long to wait before the next attempt, and why. */
export interface RetryDelay {
  delayMs: number;
  source: 'backoff' | 'retry_hint';
}

/**
 * The wait before retrying after `error`. A server's retry hint is waited exactly: jittering
 * below it would only earn another 429. A hint beyond `maxRetryAfterMs` is not waited at all.
 *
 * @throws ModelCallError `retry_hint_too_long`, with the original error as cause, when the hint
 * exceeds the cap.
 */
export function planRetryDelay({
  error,
  attempt,
  maxRetryAfterMs,
  ...backoff
}: PlanRetryDelayOptions): RetryDelay {
  const hint = error.retryAfterMs;
  if (hint === undefined || !Number.isFinite(hint) || hint < 0) {
    return { delayMs: fullJitterBackoff({ retry: attempt, ...backoff }), source: 'backoff' };
  }
  // A hint past what a timer can wait would fire at once on Node: treat it as too long too.
  if (hint > Math.min(maxRetryAfterMs, maxTimerMs)) {
    throw new ModelCallError({
      kind: 'retry_hint_too_long',
      endpoint: error.endpoint,
      status: error.status,
      retryAfterMs: hint,
      message:
        `${error.endpoint ?? 'The model endpoint'} asked to retry after ${hint} ms, longer than ` +
        `maxRetryAfterMs (${maxRetryAfterMs} ms), so no retry was sent. Raise maxRetryAfterMs ` +
        'to wait that long, or add a fallback model.',
      cause: error,
    });
  }
  return { delayMs: hint, source: 'retry_hint' };
}
