import { type Clock, systemClock } from '../clock/clock';
import { checkOptionNames } from '../errors/option-names';
import type { QuotaStore } from './types';

/** Counters held before expired ones are swept. */
const minSweepAbove = 10_000;

/** A {@link QuotaStore} in memory: one process, and tests. Expired counters are swept as it goes. */
export class MemoryQuotaStore implements QuotaStore {
  readonly #counters = new Map<string, { value: number; expiresAt: number }>();
  readonly #clock: Clock;
  /**
   * The count at which expired counters are next swept: twice what a sweep left, so with more
   * than 10,000 live counters (tenants active in one window) a sweep comes every so many new
   * keys, not at every increment (each a walk over all of them).
   */
  #sweepAbove = minSweepAbove;

  constructor(options: { clock?: Clock | undefined } = {}) {
    checkOptionNames('MemoryQuotaStore', options, ['clock']);
    const { clock = systemClock } = options;
    this.#clock = clock;
  }

  async increment(key: string, amount: number, expiresAt: number): Promise<number> {
    const now = this.#clock.now();
    const current = this.#counters.get(key);
    const value = (current && current.expiresAt > now ? current.value : 0) + amount;
    this.#counters.set(key, { value, expiresAt });
    if (this.#counters.size > this.#sweepAbove) this.#sweep(now);
    return value;
  }

  async get(key: string): Promise<number> {
    const current = this.#counters.get(key);
    return current && current.expiresAt > this.#clock.now() ? current.value : 0;
  }

  #sweep(now: number): void {
    for (const [key, counter] of this.#counters) {
      if (counter.expiresAt <= now) this.#counters.delete(key);
    }
    this.#sweepAbove = Math.max(minSweepAbove, 2 * this.#counters.size);
  }
}
