import { type Clock, systemClock } from '../clock/clock';
import { checkOptionNames } from '../errors/option-names';
import { validateNumberOption } from '../reliability/validate-option';
import type { CacheEntry, ResponseCacheStore } from './types';

/** Options of {@link MemoryResponseCacheStore}. */
export interface MemoryResponseCacheStoreOptions {
  /** The most entries kept; the least recently used goes first. Default 1 000. */
  maxEntries?: number | undefined;
  clock?: Clock | undefined;
}

/** A {@link ResponseCacheStore} in memory: least recently used out first, expired entries never returned. */
export class MemoryResponseCacheStore implements ResponseCacheStore {
  readonly #entries = new Map<string, CacheEntry>();
  readonly #maxEntries: number;
  readonly #clock: Clock;

  constructor(options: MemoryResponseCacheStoreOptions = {}) {
    checkOptionNames('MemoryResponseCacheStore', options, ['maxEntries', 'clock']);
    const { maxEntries = 1_000, clock = systemClock } = options;
    validateNumberOption('MemoryResponseCacheStore', 'maxEntries', maxEntries, {
      min: 1,
      max: Number.MAX_SAFE_INTEGER,
      integer: true,
      expected: 'a whole number of answers to keep, 1 or more (the least recently used goes first)',
    });
    this.#maxEntries = maxEntries;
    this.#clock = clock;
  }

  /** Entries held now, expired ones included until they are looked up or pushed out. */
  get size(): number {
    return this.#entries.size;
  }

  async get(key: string): Promise<CacheEntry | undefined> {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    this.#entries.delete(key);
    if (entry.expiresAt <= this.#clock.now()) return undefined;
    // Re-inserted: a Map iterates in insertion order, so the first key is the least recently used.
    this.#entries.set(key, entry);
    return entry;
  }

  async set(key: string, entry: CacheEntry): Promise<void> {
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    while (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
  }

  async delete(key: string): Promise<void> {
    this.#entries.delete(key);
  }

  async deletePartition(partition: string): Promise<number> {
    let deleted = 0;
    for (const [key, entry] of this.#entries) {
      if (entry.partition !== partition) continue;
      this.#entries.delete(key);
      deleted++;
    }
    return deleted;
  }
}
