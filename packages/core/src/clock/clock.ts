/**
 * Time and identity, injected so a run replays deterministically: core never calls
 * `Date.now()`, `setTimeout` or `Math.random()` directly.
 */
export interface Clock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The real clock. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** Makes ids; injected for deterministic tests and replays. */
export type IdGenerator = () => string;

/** Random UUIDs from the platform. */
export const randomId: IdGenerator = () => globalThis.crypto.randomUUID();

/** A source of randomness in [0, 1), injected for jitter so tests can pin it. */
export type Random = () => number;

/** The platform's randomness; inject another for deterministic tests. */
export const systemRandom: Random = () => Math.random();

/** Waits `ms` on `clock`, rejecting with the signal's reason when it aborts. */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clock.clearTimeout(handle);
      reject(signal?.reason);
    };
    const handle = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
