import { DefinitionError } from '../errors/definition-error';
import { describeValue } from '../errors/option-names';
import type { RunHandle } from './types';

/**
 * Checks a `signal` option, and throws its reason when it has aborted already, as `fetch`
 * does: a request cancelled before the call starts, restores or stores nothing.
 *
 * @throws DefinitionError `definition.invalid_option` for what is not an AbortSignal.
 */
export function checkSignal(owner: string, signal: unknown): void {
  if (signal === undefined) return;
  if (!isAbortSignal(signal)) {
    throw new DefinitionError(
      'definition.invalid_option',
      `${owner}: signal must be an AbortSignal (an AbortController's signal, or AbortSignal.timeout(ms)), got ${describeValue(signal)}.`,
    );
  }
  signal.throwIfAborted();
}

/**
 * Stops the handle's run when `signal` aborts while the run works — until it next comes to
 * rest (done, waiting, failed, limit or stopped), as `handle.stop()` would. After that rest
 * the signal does nothing: a request's signal that aborts once its response is sent (Node's
 * does) must not stop the thread now waiting for its next message.
 */
export function stopOnAbort(handle: RunHandle, signal: AbortSignal | undefined): void {
  if (signal === undefined) return;
  // The stop's own outcome (or refusal) is the caller's through `result()`.
  const stop = () => void handle.stop().catch(() => undefined);
  signal.addEventListener('abort', stop, { once: true });
  const forget = () => signal.removeEventListener('abort', stop);
  handle.result().then(forget, forget);
}

function isAbortSignal(value: unknown): value is AbortSignal {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as AbortSignal).aborted === 'boolean' &&
    typeof (value as AbortSignal).addEventListener === 'function' &&
    typeof (value as AbortSignal).throwIfAborted === 'function'
  );
}
