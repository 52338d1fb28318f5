import type { Clock } from '../clock/clock';
import { ModelCallError } from '../model/model-call-error';
import type { ChatModel, ChatRequest, ChatResponse } from '../model/types';

/** Options of {@link runAttempt}. */
export interface RunAttemptOptions {
  model: ChatModel;
  request: ChatRequest;
  /** The call's signal (caller and deadline). */
  signal: AbortSignal;
  timeoutMs: number;
  clock: Clock;
  onToken?: (delta: string) => void;
}

const ignore = () => {};

/**
 * One attempt on one model, bounded by `timeoutMs`: when it passes, the attempt's signal
 * aborts and the attempt fails with kind `timeout` (retryable). The attempt also settles as soon
 * as its signal aborts even if the model ignores the signal, so a hung adapter cannot hold the
 * call past its timeout or the caller's abort; the abandoned promise's outcome is dropped.
 */
export async function runAttempt({
  model,
  request,
  signal,
  timeoutMs,
  clock,
  onToken,
}: RunAttemptOptions): Promise<ChatResponse> {
  const controller = new AbortController();
  let timedOut = false;
  let settled = false;
  const onCallAbort = () => controller.abort(signal.reason);
  if (signal.aborted) controller.abort(signal.reason);
  else signal.addEventListener('abort', onCallAbort, { once: true });
  const timer = Number.isFinite(timeoutMs)
    ? clock.setTimeout(() => {
        timedOut = true;
        controller.abort(
          new ModelCallError({
            kind: 'timeout',
            endpoint: model.endpoint,
            message:
              `${model.endpoint} gave no complete answer within attemptTimeoutMs (${timeoutMs} ms); ` +
              'the attempt was aborted. Raise attemptTimeoutMs for long generations.',
          }),
        );
      }, timeoutMs)
    : undefined;
  let removeAbortListener = ignore;
  try {
    const stopped = new Promise<never>((_, reject) => {
      const onAbort = () => reject(controller.signal.reason);
      if (controller.signal.aborted) onAbort();
      else controller.signal.addEventListener('abort', onAbort, { once: true });
      removeAbortListener = () => controller.signal.removeEventListener('abort', onAbort);
    });
    const generation = (async () =>
      model.generate(request, {
        signal: controller.signal,
        // A model that ignores its signal may keep streaming after the attempt gave up.
        onToken: onToken && ((delta) => settled || onToken(delta)),
      }))();
    // Whichever loses the race must not become an unhandled rejection.
    stopped.catch(ignore);
    generation.catch(ignore);
    return await Promise.race([generation, stopped]);
  } catch (error) {
    if (timedOut && !signal.aborted) throw controller.signal.reason;
    throw error;
  } finally {
    settled = true;
    removeAbortListener();
    signal.removeEventListener('abort', onCallAbort);
    if (timer !== undefined) clock.clearTimeout(timer);
  }
}
