import type { Agent, Checkpointer, RunOutcome } from '@agentchart/core';

/** Options of {@link LocalWorker}. */
export interface LocalWorkerOptions {
  checkpointer: Checkpointer;
  /** The agents it runs, by name (a thread's checkpoint names its agent). */
  agents: ReadonlyMap<string, Agent>;
  /** Threads it drives at once. */
  concurrency: number;
  /** How many threads one look claims. Default 100. */
  batchSize?: number;
  /** The wall clock, read against stored wake times and lease expiries. Default `Date.now`. */
  now?: () => number;
  /**
   * A clock that never steps back, in milliseconds, for how long a thread whose wake failed
   * is left alone: a wall clock stepped back a day would leave it alone a day longer. Default
   * `performance.now`.
   */
  monotonicNow?: () => number;
  /**
   * How long a lease this worker first sees already expired must stand still (the same
   * holder, the same expiry) on `monotonicNow` before its thread is taken as orphaned: more
   * than a live owner's heartbeat interval, a third of its `leaseTtlMs` (10 s with the
   * default 30 s). After a wall clock stepped forward, or a machine woken from a suspend, every
   * live lease reads as expired until its owner's next beat. Default 15 s.
   */
  leaseGraceMs?: number;
  /** Each woken thread's next rest. */
  onOutcome?: (threadId: string, reason: WakeReason, outcome: RunOutcome) => void;
  onError?: (threadId: string, error: unknown) => void;
}

/** Why a worker woke a thread. */
export type WakeReason = 'due' | 'orphaned';

/** How long a thread whose wake failed is left alone first; doubled at each failure after. */
const firstRetryMs = 5_000;
/** The longest a thread whose wakes keep failing is left alone between tries. */
const maxRetryMs = 300_000;
/** The least time between two listings of the running threads made for a freed slot. */
const orphanListingIntervalMs = 1_000;
/** See {@link LocalWorkerOptions.leaseGraceMs}. */
const defaultLeaseGraceMs = 15_000;

/** A running thread's lease as this worker saw it, and when it lapses on the worker's own clock. */
interface SeenLease {
  owner: string;
  expiresAt: number;
  /** On `monotonicNow`: when it was first seen with this holder and expiry. */
  lapsesAt: number;
}

/**
 * The scheduler of one process on a shared store (the embedded SQLite file): it wakes
 * threads whose timers or wait deadlines fell due while no process held them (read from the
 * store's wake-time index) and resumes threads a dead process left `running` (their lease
 * expired), each with the agent its checkpoint names, at most `concurrency` at a time.
 */
export class LocalWorker {
  readonly #inFlight = new Map<string, Promise<void>>();
  /**
   * Threads whose last wake failed (a thread this deploy cannot restore: its chart changed
   * without a migrate), by id: when to try again, and the wait after that. Without it they
   * were woken again at every look, failing each time, and, due first, took the places of
   * the due threads behind them: their timers never fired. Times are on `monotonicNow`.
   */
  readonly #retries = new Map<string, { at: number; delayMs: number }>();
  /**
   * The leases of running threads as last seen, by thread. A lease is taken as lapsed when
   * both clocks say so: the wall clock its expiry is written in, and the monotonic one, which
   * no NTP step or suspend moves. Without it, a wall clock stepped forward past a lease's
   * expiry made the worker take live runs' threads before their owners' next beat: their
   * unsafe calls in flight were found unfinished here while they went on there.
   */
  readonly #leases = new Map<string, SeenLease>();
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  /**
   * Set by a look that found more to wake than it had room for: the next look is due as soon
   * as a thread in hand comes to rest, not an interval later. Without it a worker woke at most
   * `concurrency` threads an interval, however quickly they came to rest.
   */
  #leftBehind = false;
  /** While {@link drain} runs: the threads it woke, each woken once. */
  #drained: Set<string> | undefined;
  /**
   * Of {@link #drained}, those that came to rest `waiting`: the only ones a look for due
   * threads can list again (an ended thread is not due, a failed one is in the retries).
   */
  #drainedWaiting = 0;
  /** On `monotonicNow`: when running threads were last listed for orphans. */
  #orphansListedAt: number | undefined;

  constructor(private readonly options: LocalWorkerOptions) {}

  /** Threads being driven now. */
  get busy(): number {
    return this.#inFlight.size;
  }

  /** One look: wakes what is due and what is orphaned, up to the free capacity. */
  tick(): Promise<number> {
    return this.#look(true);
  }

  /**
   * A look. `orphans: false` (a look made because a thread in hand came to rest, while due
   * threads wait their turn) lists the running threads only when the last listing is a second
   * old: it reads the whole table, so once per freed slot, a backlog of 10,000 due threads
   * read it 10,000 times. An orphan found a second later has lain a lease time already.
   */
  async #look(orphans: boolean): Promise<number> {
    const { checkpointer, concurrency, batchSize = 100, now = Date.now } = this.options;
    const free = concurrency - this.#inFlight.size;
    if (this.#closed || free <= 0) return 0;
    const at = now();
    const since = this.#monotonicNow();
    this.#forgetStaleRetries(since);
    const work: { threadId: string; reason: WakeReason }[] = [];
    // Listed beyond the batch by as many as are left alone, so they never fill it. Not by
    // every thread a drain woke: most ended and are listed no more, and a limit that grew
    // with them read thousands of rows a look, at each of thousands of looks.
    const limit = batchSize + this.#retries.size + this.#drainedWaiting;
    for (const { threadId } of (await checkpointer.listDue?.({ now: at, limit })) ?? []) {
      if (work.length >= batchSize) break;
      if (!this.#leftAlone(threadId, since) && !this.#drained?.has(threadId)) {
        work.push({ threadId, reason: 'due' });
      }
    }
    const listOrphans =
      orphans ||
      this.#orphansListedAt === undefined ||
      since - this.#orphansListedAt >= orphanListingIntervalMs;
    if (listOrphans) await this.#listOrphans(work, at, since);
    let started = 0;
    let left = 0;
    for (const [index, item] of work.entries()) {
      if (started >= free) {
        left = work.length - index;
        break;
      }
      if (this.#inFlight.has(item.threadId)) continue;
      if (await this.#wake(item.threadId, item.reason)) started++;
    }
    this.#leftBehind = left > 0;
    return started;
  }

  /** Adds the running threads whose lease lapsed to `work`, up to the batch. */
  async #listOrphans(
    work: { threadId: string; reason: WakeReason }[],
    at: number,
    since: number,
  ): Promise<void> {
    const { checkpointer, batchSize = 100 } = this.options;
    this.#orphansListedAt = since;
    const running = new Set<string>();
    for (const thread of (await checkpointer.listThreads?.({ status: 'running' })) ?? []) {
      running.add(thread.threadId);
      if (work.length >= batchSize) break;
      if (this.#leftAlone(thread.threadId, since) || this.#drained?.has(thread.threadId)) continue;
      const lease = await checkpointer.getLease(thread.threadId);
      if (this.#lapsed(thread.threadId, lease, at, since))
        work.push({ threadId: thread.threadId, reason: 'orphaned' });
    }
    for (const threadId of this.#leases.keys()) {
      if (!running.has(threadId)) this.#leases.delete(threadId);
    }
  }

  /**
   * Looks every `intervalMs` until closed; after a look that found more than it had room for,
   * again as soon as a thread in hand comes to rest.
   */
  start(intervalMs: number): void {
    const loop = (slotFreed = false) => {
      if (this.#closed) return;
      void this.#look(!slotFreed)
        .catch((error: unknown) => this.options.onError?.('', error))
        .finally(() => {
          if (this.#closed) return;
          let looked = false;
          const next = (freed: boolean) => {
            if (looked) return;
            looked = true;
            clearTimeout(this.#timer);
            loop(freed);
          };
          this.#timer = setTimeout(() => next(false), intervalMs);
          if (this.#leftBehind && this.#inFlight.size > 0)
            void this.#slotFreed().then(() => next(true));
        });
    };
    loop();
  }

  /**
   * Wakes everything due or orphaned now, `concurrency` threads at a time, each once, and
   * resolves once they have come to rest or ended — or once `timeoutMs` passed with none of
   * those in hand coming to rest: what `--once` does before {@link close}, which hands back
   * threads still working.
   */
  async drain({ timeoutMs }: { timeoutMs: number }): Promise<void> {
    this.#drained = new Set();
    this.#drainedWaiting = 0;
    let slotFreed = false;
    try {
      for (;;) {
        const started = await this.#look(!slotFreed);
        slotFreed = false;
        if (this.#inFlight.size === 0) {
          if (started > 0) continue;
          // A thread whose lease reads as expired but has not lapsed on this worker's clock
          // yet: a one-off look (`--once`, from cron) waits for it rather than leave it.
          const lapse = this.#nextLapse((this.options.now ?? Date.now)());
          const waitMs = lapse === undefined ? undefined : lapse - this.#monotonicNow();
          if (waitMs === undefined || waitMs > timeoutMs) return;
          await new Promise((resolve) => setTimeout(resolve, waitMs + 10));
          continue;
        }
        let timer: NodeJS.Timeout | undefined;
        const timedOut = new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(true), timeoutMs);
        });
        try {
          if (await Promise.race([this.#slotFreed().then(() => false), timedOut])) return;
          slotFreed = true;
        } finally {
          clearTimeout(timer);
        }
      }
    } finally {
      this.#drained = undefined;
      this.#drainedWaiting = 0;
    }
  }

  /** Resolves when one of the threads in hand comes to rest or ends (their drives never reject). */
  #slotFreed(): Promise<void> {
    return Promise.race(this.#inFlight.values());
  }

  /**
   * Resolves once every thread in hand has come to rest or ended, or after `timeoutMs`; wakes
   * nothing more meanwhile (see {@link drain} for that).
   */
  async idle({ timeoutMs }: { timeoutMs: number }): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    try {
      await Promise.race([Promise.allSettled([...this.#inFlight.values()]), timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Stops looking; the threads in hand start no new step, and their steps in flight finish
   * for up to `timeoutMs`; then it hands them back to the store (their checkpoints keep them)
   * and releases their leases.
   */
  async close({ timeoutMs = 10_000 }: { timeoutMs?: number } = {}): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    await Promise.all([...this.options.agents.values()].map((agent) => agent.close({ timeoutMs })));
    await Promise.allSettled([...this.#inFlight.values()]);
  }

  async #wake(threadId: string, reason: WakeReason): Promise<boolean> {
    const { checkpointer, agents } = this.options;
    const checkpoint = await checkpointer.latest(threadId);
    // A child agent's thread is its parent run's to drive.
    if (!checkpoint || checkpoint.run.parentThreadId !== undefined) return false;
    const agent =
      (checkpoint.run.agent === undefined ? undefined : agents.get(checkpoint.run.agent)) ??
      (agents.size === 1 ? [...agents.values()][0] : undefined);
    if (!agent) return false;
    this.#drained?.add(threadId);
    const driving = (async () => {
      try {
        const outcome = await (await agent.resume(threadId)).result();
        // A run the harness failed without storing it (a child agent's chart changed without
        // its migrate) leaves the thread due: tried again later, not at the next look.
        if (outcome.status === 'failed') this.#failed(threadId);
        else this.#retries.delete(threadId);
        if (outcome.status === 'waiting' && this.#drained?.has(threadId)) this.#drainedWaiting++;
        this.options.onOutcome?.(threadId, reason, outcome);
      } catch (error) {
        // Another process took it meanwhile (its lease is live): it is that process's now.
        if ((error as { code?: string }).code !== 'checkpoint.lease_held') {
          this.#failed(threadId);
          this.options.onError?.(threadId, error);
        }
      } finally {
        this.#inFlight.delete(threadId);
      }
    })();
    this.#inFlight.set(threadId, driving);
    return true;
  }

  /**
   * Whether a running thread's lease has lapsed: none, released (expiry 0), or expired on the
   * wall clock and, on the monotonic clock, past the time it had left when first seen — or,
   * first seen expired already, unchanged for {@link LocalWorkerOptions.leaseGraceMs}.
   */
  #lapsed(
    threadId: string,
    lease: { owner: string; expiresAt: number } | undefined,
    at: number,
    since: number,
  ): boolean {
    if (!lease || lease.expiresAt <= 0) return true;
    let seen = this.#leases.get(threadId);
    if (seen?.owner !== lease.owner || seen.expiresAt !== lease.expiresAt) {
      const left = lease.expiresAt - at;
      seen = {
        owner: lease.owner,
        expiresAt: lease.expiresAt,
        lapsesAt: since + (left > 0 ? left : (this.options.leaseGraceMs ?? defaultLeaseGraceMs)),
      };
      this.#leases.set(threadId, seen);
    }
    return lease.expiresAt <= at && since >= seen.lapsesAt;
  }

  /**
   * When, on `monotonicNow`, the soonest lease seen expired on the wall clock lapses on this
   * worker's too; undefined when none is waited for.
   */
  #nextLapse(at: number): number | undefined {
    const since = this.#monotonicNow();
    let next: number | undefined;
    for (const seen of this.#leases.values()) {
      // Lapsed already and still here: left alone after a failed wake, or woken once by this
      // drain; not waited for again.
      if (seen.expiresAt > at || seen.lapsesAt <= since) continue;
      if (next === undefined || seen.lapsesAt < next) next = seen.lapsesAt;
    }
    return next;
  }

  #monotonicNow(): number {
    return this.options.monotonicNow ? this.options.monotonicNow() : performance.now();
  }

  /** True while a thread whose wake failed is left alone. */
  #leftAlone(threadId: string, at: number): boolean {
    const retry = this.#retries.get(threadId);
    return retry !== undefined && at < retry.at;
  }

  /** Leaves a thread whose wake failed alone for a while, twice as long as the last time. */
  #failed(threadId: string): void {
    const delayMs = this.#retries.get(threadId)?.delayMs ?? firstRetryMs;
    this.#retries.set(threadId, {
      at: this.#monotonicNow() + delayMs,
      delayMs: Math.min(delayMs * 2, maxRetryMs),
    });
  }

  /**
   * Forgets threads not tried again long after they could have been: they are no longer due
   * (answered, ended, pruned), so the list stays as long as the threads still failing.
   */
  #forgetStaleRetries(at: number): void {
    for (const [threadId, retry] of this.#retries) {
      if (at - retry.at > maxRetryMs) this.#retries.delete(threadId);
    }
  }
}
