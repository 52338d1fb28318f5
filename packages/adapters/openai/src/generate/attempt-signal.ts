/** The signal of one model call attempt: the caller's signal, plus the attempt's own timeout. */
export interface AttemptSignal {
  signal: AbortSignal;
  /** True once the timeout (not the caller) aborted the attempt. */
  readonly timedOut: boolean;
  /** Clears the timer; call when the attempt settles. */
  dispose(): void;
}

/**
 * Starts an attempt's signal. The timeout covers the whole answer, headers and streamed body
 * alike: the SDK's own timeout stops at the headers, so a stream that stalls after its first
 * chunk would otherwise hang until the caller's deadline.
 */
export function startAttemptSignal(
  callerSignal: AbortSignal,
  timeoutMs: number | undefined,
): AttemptSignal {
  if (timeoutMs === undefined) {
    return { signal: callerSignal, timedOut: false, dispose() {} };
  }
  const timeout = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    timeout.abort(new DOMException(`No complete answer within ${timeoutMs} ms`, 'TimeoutError'));
  }, timeoutMs);
  return {
    signal: AbortSignal.any([callerSignal, timeout.signal]),
    get timedOut() {
      return timedOut;
    },
    dispose() {
      clearTimeout(timer);
    },
  };
}
