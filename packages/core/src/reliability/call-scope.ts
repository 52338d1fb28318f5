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
 * The life of one logical call: one signal that aborts when the caller aborts or the deadline
 * passes, given to every attempt, wait and limiter sleep, so either stops everything at once.
 */
export interface CallScope {
  readonly signal: AbortSignal;
  /** Milliseconds left before the deadline (`Infinity` without one). */
  remainingMs(): number;
  /** The error that ends the call if the scope has stopped, else undefined. */
  stopError(context: StopContext): ModelCallError | undefined;
  /** The error for a call that cannot finish before its deadline. */
  deadlineError(context: StopContext): ModelCallError;
  /** Clears the deadline timer and the listener on the caller's signal. */
  dispose(): void;
}

/** Opens the scope of one logical call; dispose it when the call settles. */
export function openCallScope({ callerSignal, deadlineMs, clock }: CallScopeOptions): CallScope {
  const controller = new AbortController();
  const deadlineAt = clock.now() + deadlineMs;
  let deadlinePassed = false;
  const onCallerAbort = () => controller.abort(callerSignal.reason);
  if (callerSignal.aborted) controller.abort(callerSignal.reason);
  else callerSignal.addEventListener('abort', onCallerAbort, { once: true });
  const timer = Number.isFinite(deadlineMs)
    ? clock.setTimeout(() => {
        deadlinePassed = true;
        controller.abort(new Error(`deadline of ${deadlineMs} ms passed`));
      }, deadlineMs)
    : undefined;

  const deadlineError = ({ endpoint, attempts, lastError }: StopContext) =>
    new ModelCallError({
      kind: 'deadline_exceeded',
      endpoint,
      message:
        `The model call to ${endpoint} could not finish within deadlineMs (${deadlineMs} ms) ` +
        `after ${attempts} attempt(s)` +
        (lastError ? `; last error ${describeModelError(lastError)}` : '') +
        '. Raise deadlineMs, lower attemptTimeoutMs or maxAttempts, or add a fallback model.',
      cause: lastError,
    });

  return {
    signal: controller.signal,
    remainingMs: () => deadlineAt - clock.now(),
    stopError(context) {
      if (callerSignal.aborted) {
        return new ModelCallError({
          kind: 'aborted',
          endpoint: context.endpoint,
          message:
            `The model call to ${context.endpoint} was aborted by its caller after ` +
            `${context.attempts} attempt(s) (the state was exited or the run stopped); nothing more was tried.`,
          cause: callerSignal.reason,
        });
      }
      return deadlinePassed ? deadlineError(context) : undefined;
    },
    deadlineError,
    dispose() {
      callerSignal.removeEventListener('abort', onCallerAbort);
      if (timer !== undefined) clock.clearTimeout(timer);
    },
  };
}
