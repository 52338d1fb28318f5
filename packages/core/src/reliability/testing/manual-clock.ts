import type { Clock } from '../../clock/clock';

interface Timer {
  at: number;
  callback: () => void;
}

/** Lets every queued promise callback run: a macrotask starts only once microtasks are drained. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * A clock that moves only when told to, for deterministic tests of waits and timeouts. Timers
 * fire in time order during {@link ManualClock.advance}, with promises settling after each, so
 * code awaiting a sleep runs before the next timer fires.
 */
export class ManualClock implements Clock {
  #now: number;
  #nextId = 1;
  readonly #timers = new Map<number, Timer>();

  constructor(start = 0) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.#nextId++;
    this.#timers.set(id, { at: this.#now + Math.max(0, ms), callback });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.#timers.delete(handle as number);
  }

  /** Timers set and neither fired nor cleared: a leak once every call has settled. */
  get pendingTimers(): number {
    return this.#timers.size;
  }

  /** Moves time forward by `ms`, firing due timers in order. */
  async advance(ms: number): Promise<void> {
    const target = this.#now + ms;
    await settle();
    for (;;) {
      const next = this.#nextDue(target);
      if (!next) break;
      this.#timers.delete(next[0]);
      this.#now = next[1].at;
      next[1].callback();
      await settle();
    }
    this.#now = target;
    await settle();
  }

  /** Fires timers until none is left (or `limitMs` has passed), then settles. */
  async runAll(limitMs = 24 * 3_600_000): Promise<void> {
    const limit = this.#now + limitMs;
    await settle();
    for (;;) {
      const next = this.#nextDue(limit);
      if (!next) break;
      this.#timers.delete(next[0]);
      this.#now = next[1].at;
      next[1].callback();
      await settle();
    }
  }

  #nextDue(until: number): [number, Timer] | undefined {
    let found: [number, Timer] | undefined;
    for (const entry of this.#timers) {
      if (entry[1].at > until) continue;
      if (!found || entry[1].at < found[1].at) found = entry;
    }
    return found;
  }
}
