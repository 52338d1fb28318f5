import type { Clock } from '../clock/clock';
import { unrefTimer } from '../run/keep-alive';
import type { Run } from '../run/run';
import type { RunOutcome } from '../run/types';

/** A waiting run due to act sooner than this stays in memory rather than being evicted. */
const soonMs = 1_000;

/** Options of {@link LiveRuns}. */
export interface LiveRunsOptions {
  clock: Clock;
  /** Drop runs resting `waiting` from memory; see `AgentOptions.evictWaiting`. */
  evictWaiting: boolean;
  /**
   * Restores an evicted thread when its deadline or delayed event falls due. Without it no
   * timer is kept for evicted threads: the host wakes them from the store (`wakeWaiting`).
   */
  wake?: ((threadId: string) => void) | undefined;
  /** Called when a run is evicted: the store may drop what it caches for the thread. */
  release?: (threadId: string) => void;
}

/**
 * The runs of one agent that live in this process, by thread. A run leaves when it ends;
 * with eviction on, also when it rests `waiting`: then only a timer for its next deadline
 * stays here, and the run itself is garbage once no handle holds it. Once collected, an
 * evicted thread costs the process about 330 bytes with SQLite (mostly tables a burst of runs
 * grew), where a waiting run held live costs 10–12 KB; the in-memory store adds its own copy of
 * the run (about 2.4 KB for a short run: its checkpoints and journal). Read before a
 * collection, the heap also shows the garbage a burst left, tens of KB a run.
 */
export class LiveRuns {
  readonly #runs = new Map<string, Run>();
  // Threads being sent an event stay in memory until it is delivered (counted: sends overlap).
  readonly #pinned = new Map<string, number>();
  readonly #wakeUps = new Map<string, unknown>();
  // Evictions under way (writing the checkpoint, releasing the lease): close() waits for them.
  readonly #evicting = new Set<Promise<unknown>>();
  // The same evictions by thread: restoring a thread waits for its run to have let go.
  readonly #evictingThreads = new Map<string, Promise<unknown>>();
  /**
   * Runs evicted here, held weakly: a handle may still hold one, and once its thread is
   * restored the evicted run points at the new one (`Run.followedBy`). An entry goes when its
   * run is garbage (no handle holds it), so an evicted thread costs memory only while a
   * handle to it is kept.
   */
  readonly #evicted = new Map<string, WeakRef<Run>>();
  readonly #collected = new FinalizationRegistry<{ threadId: string; ref: WeakRef<Run> }>(
    ({ threadId, ref }) => {
      if (this.#evicted.get(threadId) === ref) this.#evicted.delete(threadId);
    },
  );

  /** One listener for every run (see `Run.onRest`): a waiting run keeps no closure of this. */
  readonly #onRest = (outcome: RunOutcome, run: Run): void => {
    if (this.#runs.get(run.threadId) !== run) return;
    if (outcome.status === 'waiting') {
      this.#evictIfIdle(run);
      return;
    }
    this.#runs.delete(run.threadId);
    // Ended while an unsafe tool may still act: close() waits for the lease kept for it.
    const { releasing } = run;
    if (releasing) this.#holdUntilSettled(releasing);
  };

  constructor(private readonly options: LiveRunsOptions) {}

  get(threadId: string): Run | undefined {
    return this.#runs.get(threadId);
  }

  /**
   * Resolves once a run of `threadId` evicted here has given up its lease (at once when none
   * is being evicted). Restoring the thread before that would be refused its own thread with
   * `checkpoint.lease_held`: on a networked store the release is a round trip of its own.
   */
  async letGo(threadId: string): Promise<void> {
    await this.#evictingThreads.get(threadId)?.catch(() => undefined);
  }

  /**
   * Adds a run; it leaves when it ends (or is evicted). A run `restored` from its thread's
   * store continues the run evicted here before it: handles of that one follow it, and the
   * thread's wake-up timer goes (the live run keeps its own). A new thread's run (a start, a
   * fork) takes neither: under the id of a thread the store already holds, its first
   * checkpoint is refused, and that thread must stay as it was — its handles on it, its
   * deadline armed.
   */
  track(run: Run, { restored }: { restored: boolean }): void {
    this.#runs.set(run.threadId, run);
    if (restored) this.#continueEvicted(run);
    run.onRest(this.#onRest);
  }

  /** Hands what this process kept of the thread's evicted run over to `run`, which continues it. */
  #continueEvicted(run: Run): void {
    const before = this.#evicted.get(run.threadId);
    if (before) {
      before.deref()?.followedBy(run);
      this.#evicted.delete(run.threadId);
    }
    const timer = this.#wakeUps.get(run.threadId);
    if (timer !== undefined) {
      this.options.clock.clearTimeout(timer);
      this.#wakeUps.delete(run.threadId);
    }
  }

  /** Keeps the thread's run in memory while an event is delivered (call before restoring it). */
  pin(threadId: string): void {
    this.#pinned.set(threadId, (this.#pinned.get(threadId) ?? 0) + 1);
  }

  /** Ends {@link pin}; a run resting `waiting` may be evicted now. */
  unpin(threadId: string): void {
    const count = (this.#pinned.get(threadId) ?? 1) - 1;
    if (count > 0) this.#pinned.set(threadId, count);
    else this.#pinned.delete(threadId);
    const run = this.#runs.get(threadId);
    if (run) this.#evictIfIdle(run);
  }

  /** Keeps `work` where close() finds it (a second close() too) until it settles. */
  #holdUntilSettled(work: Promise<unknown>): void {
    this.#evicting.add(work);
    const settled = () => this.#evicting.delete(work);
    work.then(settled, settled);
  }

  #evictIfIdle(run: Run): void {
    const { clock, evictWaiting, wake } = this.options;
    if (this.#pinned.has(run.threadId) || this.#runs.get(run.threadId) !== run) return;
    if (run.restingIn()?.status !== 'waiting') return;
    const at = run.nextWakeAt();
    if (!evictWaiting || (at !== undefined && at - clock.now() < soonMs)) {
      // Kept here holding the thread's lease: its checkpoint must name it, or a forced resume
      // after this process died (which takes a thread only from the owner its checkpoint
      // names) would be refused until the lease lapsed.
      run.claim();
      return;
    }
    const { threadId } = run;
    const eviction: Promise<unknown> = run.evict().finally(() => {
      this.#evicting.delete(eviction);
      if (this.#evictingThreads.get(threadId) === eviction) this.#evictingThreads.delete(threadId);
    });
    this.#evicting.add(eviction);
    this.#evictingThreads.set(threadId, eviction);
    this.#runs.delete(threadId);
    const ref = new WeakRef(run);
    this.#evicted.set(threadId, ref);
    this.#collected.register(run, { threadId, ref });
    this.options.release?.(threadId);
    if (at === undefined || wake === undefined) return;
    // The timer holds the thread id only, not the run: the run is garbage once evicted.
    const timer = clock.setTimeout(() => {
      this.#wakeUps.delete(threadId);
      wake(threadId);
    }, at - clock.now());
    // A thread waiting in the store must not keep the process alive.
    unrefTimer(timer);
    this.#wakeUps.set(threadId, timer);
  }

  /**
   * Lets go of every run: waits up to `timeoutMs` for the steps working runs have in flight
   * to finish (they start no new one), then evicts them all (their checkpoints keep them),
   * waits for evictions already under way, and drops the wake-up timers.
   */
  async close({ timeoutMs }: { timeoutMs: number }): Promise<void> {
    const { clock } = this.options;
    for (const timer of this.#wakeUps.values()) clock.clearTimeout(timer);
    this.#wakeUps.clear();
    const runs = [...this.#runs.values()];
    let timer: unknown;
    const timedOut = new Promise<void>((resolve) => {
      timer = clock.setTimeout(resolve, timeoutMs);
      unrefTimer(timer);
    });
    // A run working starts no new step from here (a model or tool call cut off by the
    // hand-back would be paid twice: here, and by whoever resumes it); it is handed back as
    // soon as the steps in flight finish, or at `timeoutMs`.
    const quiet = runs.map((run) => Promise.race([run.result(), run.handBackSoon()]));
    await Promise.race([Promise.all(quiet), timedOut]);
    clock.clearTimeout(timer);
    this.#runs.clear();
    const evictions = runs.map(async (run) => {
      await run.evict();
      // A run that had ended but was still storing its end (eviction leaves it be): its last
      // checkpoint, and the lease it may keep for a tool still acting.
      await run.result().catch(() => undefined);
      await run.releasing;
      this.options.release?.(run.threadId);
    });
    // Kept where a second close() finds them: it resolves no sooner than the first, which may
    // still wait for an unsafe tool's result to be journaled before its lease goes.
    for (const eviction of evictions) this.#holdUntilSettled(eviction);
    await Promise.all(evictions);
    // A run evicted on coming to rest may still be releasing its lease: until it has, another
    // process asking for the thread is refused.
    await Promise.allSettled([...this.#evicting]);
  }
}
