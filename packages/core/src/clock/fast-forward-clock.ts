import type { Clock } from './clock';

/** A clock whose time a replay moves; see {@link fastForwardClock}. */
export interface FastForwardClock extends Clock {
  /** Moves time forward to `at` (never back), without firing timers. */
  advanceTo(at: number): void;
}

/**
 * A clock for replays: time jumps to the next timer as soon as the process has nothing else
 * to do (after pending promise callbacks), so a recorded run's `after` delays and timeouts
 * take no wall time and fire in the same order. Timers due after `until` (when the recording
 * ended) never fire: they had not fired in the recording either.
 */
export function fastForwardClock(
  start: number,
  until = Number.POSITIVE_INFINITY,
): FastForwardClock {
  let now = start;
  let nextId = 1;
  const timers = new Map<number, { due: number; callback: () => void }>();
  let draining = false;
  const nextTimer = () => {
    let next: [number, { due: number; callback: () => void }] | undefined;
    for (const entry of timers) {
      if (entry[1].due <= until && (!next || entry[1].due < next[1].due)) next = entry;
    }
    return next;
  };
  const schedule = () => {
    if (draining || !nextTimer()) return;
    draining = true;
    setImmediate(drain);
  };
  const drain = () => {
    draining = false;
    const next = nextTimer();
    if (!next) return;
    timers.delete(next[0]);
    now = Math.max(now, next[1].due);
    schedule();
    next[1].callback();
  };
  return {
    now: () => now,
    advanceTo(at) {
      now = Math.max(now, at);
    },
    setTimeout(callback, ms) {
      const id = nextId++;
      timers.set(id, { due: now + Math.max(0, ms), callback });
      schedule();
      return id;
    },
    clearTimeout(handle) {
      timers.delete(handle as number);
    },
  };
}
