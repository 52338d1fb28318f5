/** What each MCP request made while connecting is given: the deadline's signal, and a timeout. */
export interface DeadlineRequestOptions {
  signal: AbortSignal;
  /**
   * Past the deadline, so the signal decides: the SDK's own timer (60 s unless told) would
   * otherwise cut a longer `connectTimeoutMs` short, or restart with every request.
   */
  timeout: number;
}

/** One deadline for the whole of connecting, whatever number of requests it takes. */
export interface ConnectDeadline {
  /**
   * Runs one phase (the handshake, the tool listing): settles with `work`, or fails with the
   * deadline's error as soon as the deadline passes, even if the server never answers.
   */
  run<T>(phase: string, work: (options: DeadlineRequestOptions) => Promise<T>): Promise<T>;
  /** Milliseconds left, at least 0. */
  remainingMs(): number;
  /** Stops the timer; call it once connecting has ended, either way. */
  clear(): void;
}

const sdkTimeoutMarginMs = 1_000;

/**
 * Starts the deadline of `connectMcpServer`: `timeoutMs` for starting the server, the
 * handshake and every page of the tool listing together, so a server slow in each phase
 * cannot take a multiple of the setting.
 */
export function startConnectDeadline(timeoutMs: number): ConnectDeadline {
  const controller = new AbortController();
  const startedAt = performance.now();
  let phase = 'starting';
  const timer = setTimeout(() => {
    controller.abort(
      new Error(
        `it did not finish connecting within connectTimeoutMs (${timeoutMs} ms): the deadline ` +
          `passed while ${phase}. Raise connectTimeoutMs if the server is only slow to start`,
      ),
    );
  }, timeoutMs);
  const remainingMs = () => Math.max(0, timeoutMs - (performance.now() - startedAt));
  return {
    run(name, work) {
      phase = name;
      const { signal } = controller;
      signal.throwIfAborted();
      const working = work({ signal, timeout: Math.ceil(remainingMs()) + sdkTimeoutMarginMs });
      return new Promise((resolve, reject) => {
        const expire = () => reject(signal.reason);
        signal.addEventListener('abort', expire, { once: true });
        working.then(resolve, reject).finally(() => signal.removeEventListener('abort', expire));
      });
    },
    remainingMs,
    clear: () => clearTimeout(timer),
  };
}
