import type { Clock } from '../clock/clock';
import { ModelCallError } from '../model/model-call-error';
import { describeModelError } from './error-taxonomy';

/** Options of {@link openCallScope}. */
export interface CallScopeOptions {
  callerSignal: AbortSignal;
  deadlineMs: number;
  clock: Clock;
}

/** What the call had done when it stopped, for the error's message. */
export interface StopContext {
  endpoint: string;
  attempts: number;
  lastError: ModelCallError | undefined;
}

/**
 * The life of one logical call: the caller's signal, given to every attempt, wait and limiter
 * sleep, and the deadline across them. Waits are refused when they would end past the
 * deadline, and an attempt's timer covers the deadline too (see `runAttempt`), so the scope
 * itself needs no timer, controller or listener: a call costs one timer, its attempt's.
 */
export interface CallScope {
  readonly signal: AbortSignal;
  /** Milliseconds left before the deadline (`Infinity` without one). */
  remainingMs(): number;
  /** The error that ends the call if the caller aborted or the deadline passed, else undefined. */
  stopError(context: StopContext): ModelCallError | undefined;
  /**
   * The error for a call that cannot finish before its deadline. `retryAfterMs` is the server's
   * hint the call could not wait for, kept on the error so its caller can pass it on.
   */
  deadlineError(context: StopContext, retryAfterMs?: number): ModelCallError;
}

/** Opens the scope of one logical call. */
export function openCallScope({ callerSignal, deadlineMs, clock }: CallScopeOptions): CallScope {
  return new DeadlineCallScope(callerSignal, deadlineMs, clock);
}

/**
 * A class rather than closures over the options: a call in flight holds one small object for
 * its scope, not a context and a function per method.
 */
class DeadlineCallScope implements CallScope {
  readonly #deadlineAt: number;

  constructor(
    readonly signal: AbortSignal,
    readonly deadlineMs: number,
    readonly clock: Clock,
  ) {
    this.#deadlineAt = clock.now() + deadlineMs;
  }

  remainingMs(): number {
    return this.#deadlineAt - this.clock.now();
  }

  stopError(context: StopContext): ModelCallError | undefined {
    const { signal } = this;
    if (signal.aborted) {
      return new ModelCallError({
        kind: 'aborted',
        endpoint: context.endpoint,
        message:
          `The model call to ${context.endpoint} was aborted by its caller after ` +
          `${context.attempts} attempt(s) (the state was exited or the run stopped); nothing more was tried.`,
        cause: signal.reason,
      });
    }
    return this.remainingMs() <= 0 ? this.deadlineError(context) : undefined;
  }

  deadlineError(
    { endpoint, attempts, lastError }: StopContext,
    retryAfterMs?: number,
  ): ModelCallError {
    return new ModelCallError({
      kind: 'deadline_exceeded',
      endpoint,
      retryAfterMs,
      message:
        `The model call to ${endpoint} could not finish within deadlineMs (${this.deadlineMs} ms) ` +
        `after ${attempts} attempt(s)` +
        (lastError ? `; last error ${describeModelError(lastError)}` : '') +
        '. Raise deadlineMs, lower attemptTimeoutMs or maxAttempts, or add a fallback model.',
      cause: lastError,
    });
  }
}
