/** Buckets a window is divided into: it forgets in tenths of its length, as Hystrix's does. */
const bucketsPerWindow = 10;

interface Bucket<TKey extends string> {
  /** `floor(time / bucketMs)` of the bucket's start; -1 for a bucket never used. */
  index: number;
  counts: Record<TKey, number>;
}

/**
 * Counts of named outcomes over the last `windowMs` on a clock, in ten buckets that are
 * reused as time moves on (Hystrix's rolling counter). Nothing runs in the background: a
 * bucket is cleared when it is next written or read after its time has passed, so an idle
 * window holds no timer. A count covers between nine and ten tenths of the window.
 */
export class SlidingWindow<TKey extends string> {
  readonly #bucketMs: number;
  readonly #keys: readonly TKey[];
  readonly #buckets: Bucket<TKey>[];

  constructor({ windowMs, keys }: { windowMs: number; keys: readonly TKey[] }) {
    this.#bucketMs = windowMs / bucketsPerWindow;
    this.#keys = keys;
    this.#buckets = Array.from({ length: bucketsPerWindow }, () => ({
      index: -1,
      counts: this.#zero(),
    }));
  }

  /** Adds `amount` to `key` at time `now`. */
  add(key: TKey, now: number, amount = 1): void {
    const index = Math.floor(now / this.#bucketMs);
    const bucket = this.#buckets[index % bucketsPerWindow] as Bucket<TKey>;
    if (bucket.index !== index) {
      bucket.index = index;
      bucket.counts = this.#zero();
    }
    bucket.counts[key] += amount;
  }

  /** The count of `key` over the window ending at `now`. */
  sum(key: TKey, now: number): number {
    const current = Math.floor(now / this.#bucketMs);
    let total = 0;
    for (const bucket of this.#buckets) {
      if (bucket.index > current - bucketsPerWindow && bucket.index <= current) {
        total += bucket.counts[key];
      }
    }
    return total;
  }

  /** Forgets everything counted. */
  clear(): void {
    for (const bucket of this.#buckets) {
      bucket.index = -1;
      bucket.counts = this.#zero();
    }
  }

  #zero(): Record<TKey, number> {
    return Object.fromEntries(this.#keys.map((key) => [key, 0])) as Record<TKey, number>;
  }
}
