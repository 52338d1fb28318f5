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
export function runAttempt({
  model,
  request,
  signal,
  timeoutMs,
  deadlineInMs = Number.POSITIVE_INFINITY,
  clock,
  onToken,
}: RunAttemptOptions): Promise<ChatResponse> {
  return new Promise<ChatResponse>((resolve, reject) => {
    const controller = new AbortController();
    let settled = false;
    let linked = false;
    let timer: unknown;
    const finish = () => {
      settled = true;
      if (!linked) return;
      signal.removeEventListener('abort', onCallAbort);
      if (timer !== undefined) clock.clearTimeout(timer);
    };
    // Whatever aborts the attempt settles it, even when the model never looks at its signal.
    const abort = (reason: unknown) => {
      controller.abort(reason);
      if (settled) return;
      finish();
      reject(reason);
    };
    const onCallAbort = () => abort(signal.reason);
    // The deadline wins a tie: the call is over then, not just this attempt.
    const byDeadline = deadlineInMs <= timeoutMs;
    const waitMs = Math.min(timeoutMs, deadlineInMs);
    const startedAt = clock.now();
    const expire = () => {
      if (byDeadline) {
        abort(new Error(`the call's deadline passed during an attempt to ${model.endpoint}`));
        return;
      }
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
    generation.then(
      (response) => {
        if (settled) return;
        finish();
        resolve(response);
      },
      (error: unknown) => {
        if (settled) return;
        finish();
        reject(error);
      },
    );
    // Queued after the reaction of an answer already at hand: it finds the attempt settled.
    if (!settled) queueMicrotask(link);
  });
}
