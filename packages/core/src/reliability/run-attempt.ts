import type { Clock } from '../clock/clock';
import { ModelCallError } from '../model/model-call-error';
import type { ChatModel, ChatRequest, ChatResponse } from '../model/types';

/** Options of {@link runAttempt}. */
export interface RunAttemptOptions {
  model: ChatModel;
  request: ChatRequest;
  /** The call's signal (its caller): aborting it aborts the attempt. */
  signal: AbortSignal;
  /** The per-attempt timeout. */
  timeoutMs: number;
  /**
   * Milliseconds left before the call's deadline: reached first, the attempt is aborted with
   * a plain reason and the caller reports the deadline. Default: none.
   */
  deadlineInMs?: number;
  clock: Clock;
  onToken?: (delta: string) => void;
}

const ignore = () => {};

/**
 * One attempt on one model, bounded by `timeoutMs`: when it passes, the attempt's signal
 * aborts and the attempt fails with kind `timeout` (retryable). The attempt also settles as soon
 * as its signal aborts even if the model ignores the signal, so a hung adapter cannot hold the
 * call past its timeout or the caller's abort; the abandoned promise's outcome is dropped. The
 * call's deadline shares the attempt's one timer (whichever comes first).
 *
 * The timer and the link to the call's signal are made a microtask after the attempt began,
 * for the time it has left, and only if the model has not answered by then: an answer at hand
 * (a cached or scripted model, a test double) costs no timer armed and cleared and no listener
 * added and removed. An attempt that takes longer is timed out when it always was; no
 * macrotask passes before its timer is armed, so a manual clock sees it as it did.
 */
export async function runAttempt({
  model,
  request,
  signal,
  timeoutMs,
  deadlineInMs = Number.POSITIVE_INFINITY,
  clock,
  onToken,
}: RunAttemptOptions): Promise<ChatResponse> {
  const controller = new AbortController();
  let timedOut = false;
  let settled = false;
  let linked = false;
  // Rejected by whatever aborts the attempt, so the attempt settles even when the model never
  // looks at its signal; no listener on the attempt's own signal is needed for it.
  let stop: (reason: unknown) => void = ignore;
  const stopped = new Promise<never>((_, reject) => {
    stop = reject;
  });
  stopped.catch(ignore);
  const abort = (reason: unknown) => {
    controller.abort(reason);
    stop(reason);
  };
  const onCallAbort = () => abort(signal.reason);
  // The deadline wins a tie: the call is over then, not just this attempt.
  const byDeadline = deadlineInMs <= timeoutMs;
  const waitMs = Math.min(timeoutMs, deadlineInMs);
  const startedAt = clock.now();
  let timer: unknown;
  const expire = () => {
    if (byDeadline) {
      abort(new Error(`the call's deadline passed during an attempt to ${model.endpoint}`));
      return;
    }
    timedOut = true;
    abort(
      new ModelCallError({
        kind: 'timeout',
        endpoint: model.endpoint,
        message:
          `${model.endpoint} gave no complete answer within attemptTimeoutMs (${timeoutMs} ms); ` +
          'the attempt was aborted. Raise attemptTimeoutMs for long generations.',
      }),
    );
  };
  const link = () => {
    if (settled) return;
    linked = true;
    if (signal.aborted) {
      abort(signal.reason);
      return;
    }
    signal.addEventListener('abort', onCallAbort, { once: true });
    if (Number.isFinite(waitMs)) {
      timer = clock.setTimeout(expire, Math.max(0, waitMs - (clock.now() - startedAt)));
    }
  };
  if (signal.aborted) abort(signal.reason);
  try {
    let generation: Promise<ChatResponse>;
    try {
      generation = Promise.resolve(
        model.generate(request, {
          signal: controller.signal,
          onToken: onToken && ((delta) => settled || onToken(delta)),
        }),
      );
    } catch (error) {
      generation = Promise.reject(error);
    }
    generation.catch(ignore);
    // Queued after the reaction of an answer already at hand: it finds the attempt settled.
    const answered = generation.then(
      (response) => {
        settled = true;
        return response;
      },
      (error: unknown) => {
        settled = true;
        throw error;
      },
    );
    answered.catch(ignore);
    if (!signal.aborted) queueMicrotask(link);
    return await Promise.race([answered, stopped]);
  } catch (error) {
    if (timedOut && !signal.aborted) throw controller.signal.reason;
    throw error;
  } finally {
    settled = true;
    if (linked) {
      signal.removeEventListener('abort', onCallAbort);
      if (timer !== undefined) clock.clearTimeout(timer);
    }
  }
}
