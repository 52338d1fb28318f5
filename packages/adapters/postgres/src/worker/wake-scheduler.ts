import type { PostgresCheckpointer } from '../postgres-checkpointer';
import type { ThreadJobs } from './thread-jobs';

/** Options of {@link WakeScheduler}. */
export interface WakeSchedulerOptions {
  checkpointer: PostgresCheckpointer;
  jobs: ThreadJobs;
  /** How often it looks for due threads. */
  intervalMs: number;
  /** How often it looks for threads a dead process left running. */
  orphanIntervalMs: number;
  /** Threads claimed per look. */
  batchSize: number;
  /** The name of the agent a thread belongs to when its checkpoint does not say. */
  defaultAgent: string | undefined;
  /**
   * How long a lease seen expired must stand still — the same holder, the same expiry — on
   * this worker's monotonic clock before its thread is taken as orphaned: longer than an
   * owner's heartbeat, so a live owner renews it first.
   */
  leaseGraceMs: number;
  onError: (error: unknown) => void;
  /** The wall clock leases are written in. Default `Date.now`. */
  now?: () => number;
  /** A clock neither NTP nor a suspend moves. Default `performance.now`. */
  monotonicNow?: () => number;
}

/** A lease seen expired on the wall clock: who held it, until when, and when it was first seen so. */
interface ExpiredLease {
  owner: string;
  expiresAt: number;
  /** On the monotonic clock. */
  seenAt: number;
}

/**
 * Turns due timers and dead owners into wake-up jobs: every `intervalMs` it claims waiting
 * threads whose wake time has come (one statement, SKIP LOCKED, so the schedulers of all
 * workers share the work without waking a thread twice) and every `orphanIntervalMs` it
 * finds threads stored `running` with no live lease; each becomes a `wake` job on its
 * agent's queue, so whichever worker is free resumes it.
 */
export class WakeScheduler {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #lastOrphanScan = 0;
  #stopped = false;
  /** The leases of threads listed as orphaned, as first seen expired (see {@link #lapsed}). */
  #expired = new Map<string, ExpiredLease>();

  constructor(private readonly options: WakeSchedulerOptions) {}

  start(): void {
    this.#stopped = false;
    this.#schedule(0);
  }

  /** Stops looking; resolves once a look in progress has finished. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }

  /** One look for due and orphaned threads; resolves to how many wake jobs it sent. */
  async tick(): Promise<number> {
    const { checkpointer, batchSize, orphanIntervalMs, now = Date.now } = this.options;
    const at = now();
    let sent = 0;
    const due = await checkpointer.claimDue({ now: at, limit: batchSize, claimMs: 30_000 });
    for (const { threadId } of due) sent += await this.#wake(threadId, 'due');
    if (at - this.#lastOrphanScan >= orphanIntervalMs) {
      this.#lastOrphanScan = at;
      const orphans = await checkpointer.listOrphaned({ now: at, limit: batchSize });
      const since = this.options.monotonicNow?.() ?? performance.now();
      for (const threadId of orphans) {
        if (await this.#lapsed(threadId, since)) sent += await this.#wake(threadId, 'orphaned');
      }
      // Taken, ended or renewed since: forgotten, so the map holds only what is listed.
      for (const threadId of this.#expired.keys()) {
        if (!orphans.includes(threadId)) this.#expired.delete(threadId);
      }
    }
    return sent;
  }

  /**
   * Whether a thread listed as orphaned (its lease expired on this worker's wall clock) lost
   * its owner: its lease was released, or it stood still for `leaseGraceMs` on the monotonic
   * clock. The wall clock alone is not enough: stepped forward (NTP, a VM resumed), it reads
   * every live run's lease as expired until its owner's next heartbeat, and a wake then
   * fences the live run off mid-step — an unsafe call left to reconcile, a model call paid
   * twice. A live owner renews within the grace, which starts the wait over.
   */
  async #lapsed(threadId: string, since: number): Promise<boolean> {
    const lease = await this.options.checkpointer.getLease(threadId);
    if (!lease || lease.expiresAt <= 0) return true;
    const seen = this.#expired.get(threadId);
    if (seen?.owner === lease.owner && seen.expiresAt === lease.expiresAt) {
      return since - seen.seenAt >= this.options.leaseGraceMs;
    }
    this.#expired.set(threadId, { owner: lease.owner, expiresAt: lease.expiresAt, seenAt: since });
    return false;
  }

  async #wake(threadId: string, reason: 'due' | 'orphaned'): Promise<number> {
    const { checkpointer, jobs, defaultAgent } = this.options;
    const checkpoint = await checkpointer.latest(threadId);
    const agent = checkpoint?.run.agent ?? defaultAgent;
    if (!checkpoint || agent === undefined) return 0;
    // A child agent's thread is its parent run's to drive.
    if (checkpoint.run.parentThreadId !== undefined) return 0;
    const id = await jobs.wake(agent, threadId, { reason, tenantId: checkpoint.run.tenantId });
    return id === null ? 0 : 1;
  }

  #schedule(delay: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#running = this.tick()
        .then(
          () => undefined,
          (error: unknown) => this.options.onError(error),
        )
        .finally(() => this.#schedule(this.options.intervalMs));
    }, delay);
    this.#timer.unref();
  }
}
