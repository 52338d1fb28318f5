/**
 * A token bucket that lends: `take` may drive the level below zero, and the debt is the wait
 * for whoever comes next. Reserving at once (as Go's `rate.Limiter.Reserve` does) keeps
 * concurrent waiters in arrival order with no queue to manage.
 */
export class TokenBucket {
  readonly #capacity: number;
  readonly #refillPerMs: number;
  #level: number;
  #updatedAt: number;

  /** A full bucket of `capacity` that refills `capacity` every `periodMs`. */
  constructor(capacity: number, periodMs: number, now: number) {
    this.#capacity = capacity;
    this.#refillPerMs = capacity / periodMs;
    this.#level = capacity;
    this.#updatedAt = now;
  }

  /** The level at `now`; negative while earlier reservations are still being paid back. */
  level(now: number): number {
    this.#refill(now);
    return this.#level;
  }

  /** Milliseconds until `amount` is available, 0 when it is now. */
  delayFor(amount: number, now: number): number {
    const missing = amount - this.level(now);
    return missing <= 0 ? 0 : Math.ceil(missing / this.#refillPerMs);
  }

  /** Takes `amount`, going into debt when there is not enough. */
  take(amount: number, now: number): void {
    this.#refill(now);
    this.#level -= amount;
  }

  /** Gives `amount` back (a cancelled reservation, an overestimate), up to capacity. */
  give(amount: number, now: number): void {
    this.#refill(now);
    this.#level = Math.min(this.#capacity, this.#level + amount);
  }

  #refill(now: number): void {
    const elapsed = Math.max(0, now - this.#updatedAt);
    this.#level = Math.min(this.#capacity, this.#level + elapsed * this.#refillPerMs);
    this.#updatedAt = now;
  }
}
