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

/**
 * Milliseconds from `since` to now on `clock`, never below 0: a wall clock stepped back
 * (NTP, a VM resumed) must not record a negative latency in the journal, the run log and the
 * events, where one such value ruins every average and percentile over them.
 */
export function elapsedSince(clock: Pick<Clock, 'now'>, since: number): number {
  return Math.max(0, clock.now() - since);
}

/** Makes ids; injected for deterministic tests and replays. */
export type IdGenerator = () => string;

/** Random UUIDs from the platform. */
export const randomId: IdGenerator = () => globalThis.crypto.randomUUID();

/**
 * UUIDs of version 7 (RFC 9562): the clock's milliseconds first, then 74 random bits. Ids
 * made later sort later, so a store's indexes keyed by thread receive new threads at their
 * end rather than at random places among the old ones: fewer pages change per write, in
 * SQLite and PostgreSQL alike. Unique as a random UUID is within a millisecond.
 */
export function timeOrderedIds(clock: Clock): IdGenerator {
  // The text before the random bits, made once per millisecond: ids come in bursts.
  let at = -1;
  let prefix = '';
  return () => {
    const now = clock.now();
    // A clock before the epoch, past 48 bits or not a number still makes a well-formed id.
    const ms = now > 0 ? Math.min(Math.floor(now), 0xffff_ffff_ffff) : 0;
    if (ms !== at) {
      const time = ms.toString(16).padStart(12, '0');
      at = ms;
      prefix = `${time.slice(0, 8)}-${time.slice(8)}-7`;
    }
    // A random UUID's text after its version digit: 74 random bits and the variant.
    return prefix + globalThis.crypto.randomUUID().slice(15);
  };
}

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
