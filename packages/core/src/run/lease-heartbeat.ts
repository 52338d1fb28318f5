import type { Clock } from '../clock/clock';
import { unrefTimer } from './keep-alive';

/** A lease the heartbeat keeps alive (a run's {@link LeaseKeeper}). */
export interface HeartbeatMember {
  /** Renews the lease if it is due; called on every beat. */
  beat(): void;
}

/**
 * One agent's lease heartbeat: a single unref'd timer, every third of the leases' time to
 * live, that renews the leases of all its runs that hold one. A timer per run cost each run a timer armed and
 * cleared (and a waiting run one held in memory) for a beat that, in a run shorter than the
 * interval, never fires. The timer stops by itself at a beat that finds no lease to renew.
 */
export class LeaseHeartbeat {
  readonly #members = new Set<HeartbeatMember>();
  readonly #clock: Clock;
  /** How often it beats. */
  readonly intervalMs: number;
  #timer: unknown;
  /** False when the clock's timers cannot be unref'd: then an idle timer is cleared at once. */
  #unrefs = true;

  /** `ttlMs`: how long a lease lasts without a heartbeat. */
  constructor(clock: Clock, ttlMs: number) {
    this.#clock = clock;
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

  #arm(): void {
    this.#timer = this.#clock.setTimeout(() => this.#beat(), this.intervalMs);
    this.#unrefs = unrefTimer(this.#timer);
  }

  #beat(): void {
    this.#timer = undefined;
    if (this.#members.size === 0) return;
    for (const member of this.#members) member.beat();
    this.#arm();
  }
}
