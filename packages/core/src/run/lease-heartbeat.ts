import type { Clock } from '../clock/clock';
import type { Checkpointer, LeaseToRenew } from '../store/types';
import { unrefTimer } from './keep-alive';

/** A lease the heartbeat keeps alive (a run's {@link LeaseKeeper}). */
export interface HeartbeatMember {
  /** The lease, when it is due for renewal at this beat; undefined when it is not. */
  dueAtBeat(): LeaseToRenew | undefined;
  /**
   * Renews the lease at a beat: on its own, or — given `batch` — with the answer of one
   * renewal made for many leases at once (whether the store still gave it to its owner).
   */
  renewAtBeat(batch?: { held: Promise<boolean>; now: number }): void;
}

/**
 * Leases renewed in one store call at a beat. A store's call holds the database (SQLite's
 * is synchronous) for as long as it takes; in parts this size, a beat of many thousands of
 * runs lets other work in between them.
 */
export const leasesPerRenewal = 500;

/**
 * One agent's lease heartbeat: a single unref'd timer, every third of the leases' time to
 * live, that renews the leases of all its runs that hold one. A timer per run cost each run a
 * timer armed and cleared (and a waiting run one held in memory) for a beat that, in a run
 * shorter than the interval, never fires. The timer stops by itself at a beat that finds no
 * lease to renew.
 *
 * With a store that renews many leases at once (`renewLeases`), a beat renews its due leases
 * in parts of {@link leasesPerRenewal}, one store call each, a turn of the event loop apart:
 * ten thousand runs held in memory (waiting on people, say) cost twenty commits or round
 * trips a beat, not ten thousand, and never hold the event loop for the whole beat.
 */
export class LeaseHeartbeat {
  readonly #members = new Set<HeartbeatMember>();
  readonly #clock: Clock;
  readonly #ttlMs: number;
  readonly #store: Pick<Checkpointer, 'renewLeases'> | undefined;
  /** How often it beats. */
  readonly intervalMs: number;
  #timer: unknown;
  /** False when the clock's timers cannot be unref'd: then an idle timer is cleared at once. */
  #unrefs = true;

  /**
   * `ttlMs`: how long a lease lasts without a heartbeat. `store`: where the leases are, when
   * it can renew many at once.
   */
  constructor(clock: Clock, ttlMs: number, store?: Pick<Checkpointer, 'renewLeases'>) {
    this.#clock = clock;
    this.#ttlMs = ttlMs;
    this.#store = store;
    this.intervalMs = Math.max(1, Math.floor(ttlMs / 3));
  }

  /** Renews `member`'s lease on every beat from now on. */
  add(member: HeartbeatMember): void {
    this.#members.add(member);
    if (this.#timer === undefined) this.#arm();
  }

  /** Stops renewing `member`'s lease. */
  delete(member: HeartbeatMember): void {
    // The timer is left to find no lease at its next beat: a run that starts before then
    // (the next of a stream of short runs) does not arm one again. A timer that would keep
    // the process alive is cleared at once instead.
    this.#members.delete(member);
    if (this.#members.size === 0 && !this.#unrefs && this.#timer !== undefined) {
      this.#clock.clearTimeout(this.#timer);
      this.#timer = undefined;
    }
  }

  /**
   * Clears the timer when no lease is left to renew: for `agent.close()`, after which no run
   * of the agent takes a lease again. Left armed, the timer of a closed agent stayed for up to
   * a beat (10 s by default): a test suite that makes and closes an agent per test held one
   * for each, and a clock that counts its timers found one left after `close()`.
   */
  stopIfIdle(): void {
    if (this.#members.size > 0 || this.#timer === undefined) return;
    this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #arm(): void {
    // The timer holds the heartbeat weakly. A heartbeat whose agent is gone and whose runs are
    // all garbage is garbage too, with the store it renews leases in: a dropped agent's
    // in-memory store is not kept for up to a beat after its last run. A live run holds its
    // agent's heartbeat itself (through its runtime), so every lease that can still be used
    // keeps being renewed.
    const heartbeat = new WeakRef(this);
    this.#timer = this.#clock.setTimeout(() => {
      const alive = heartbeat.deref();
      if (alive) alive.#beat();
    }, this.intervalMs);
    this.#unrefs = unrefTimer(this.#timer);
  }

  #beat(): void {
    this.#timer = undefined;
    if (this.#members.size === 0) return;
    const due: [HeartbeatMember, LeaseToRenew][] = [];
    for (const member of this.#members) {
      const lease = member.dueAtBeat();
      if (lease) due.push([member, lease]);
    }
    this.#arm();
    if (due.length === 0) return;
    if (!this.#store?.renewLeases) {
      for (const [member] of due) member.renewAtBeat();
      return;
    }
    void this.#renewInParts(due);
  }

  async #renewInParts(due: readonly [HeartbeatMember, LeaseToRenew][]): Promise<void> {
    for (let start = 0; start < due.length; start += leasesPerRenewal) {
      if (start > 0) await new Promise((resolve) => setImmediate(resolve));
      const part = due.slice(start, start + leasesPerRenewal);
      const now = this.#clock.now();
      // Called from a promise's callback, so a store that throws instead of rejecting is a
      // rejection too: each member reports it, and nothing escapes the timer.
      const renewed = Promise.resolve()
        .then(() =>
          this.#store!.renewLeases!(
            part.map(([, lease]) => lease),
            { ttlMs: this.#ttlMs, now },
          ),
        )
        .then((threadIds) => new Set(threadIds));
      for (const [member, { threadId }] of part) {
        member.renewAtBeat({ held: renewed.then((held) => held.has(threadId)), now });
      }
      // Each member reports a failed renewal itself; the next part is tried all the same.
      await renewed.catch(() => undefined);
    }
  }
}
