import type { RunOutcome } from './types';

/** Told of every rest of a run: its outcome, and the run (so one listener serves many runs). */
export type RestListener<TRun> = (outcome: RunOutcome, run: TRun) => void;

/**
 * Where a run reports coming to rest: `result()` for the next rest, `onRest` for every one.
 * A rest is `waiting` until the run ends; once it ends, the final outcome stays.
 */
export class RunOutcomes<TRun> {
  readonly #run: TRun;
  #rest: RunOutcome | undefined;
  // Arrays made when a listener comes, each the size of what it holds (one, mostly): a run
  // waiting in memory keeps them. The one listener most runs have is kept without an array.
  #next: ((outcome: RunOutcome) => void)[] | undefined;
  #every: RestListener<TRun> | RestListener<TRun>[] | undefined;

  /** @param run What listeners are given with each outcome. */
  constructor(run: TRun) {
    this.#run = run;
  }

  /** The outcome the run rests in now, if it is at rest. */
  get current(): RunOutcome | undefined {
    return this.#rest;
  }

  /** The run has work again: the next `result()` waits for its next rest. */
  clear(): void {
    if (this.#rest?.status === 'waiting') this.#rest = undefined;
  }

  /** The next time the run comes to rest. */
  next(): Promise<RunOutcome> {
    if (this.#rest) return Promise.resolve(this.#rest);
    return new Promise((resolve) => {
      this.#next = this.#next ? [...this.#next, resolve] : [resolve];
    });
  }

  /** Calls `listener` every time the run comes to rest (each `waiting`, and its end). */
  onEvery(listener: RestListener<TRun>): void {
    const every = this.#every;
    this.#every =
      every === undefined ? listener : [...(Array.isArray(every) ? every : [every]), listener];
  }

  /** Reports a rest; ignored once the run has ended. Returns whether it was reported. */
  report(outcome: RunOutcome): boolean {
    if (this.#rest && this.#rest.status !== 'waiting') return false;
    this.#rest = outcome;
    const waiting = this.#next;
    this.#next = undefined;
    for (const listener of waiting ?? []) listener(outcome);
    const every = this.#every;
    if (Array.isArray(every)) for (const listener of every) listener(outcome, this.#run);
    else every?.(outcome, this.#run);
    return true;
  }
}
