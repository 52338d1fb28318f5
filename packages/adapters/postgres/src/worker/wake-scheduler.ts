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
  onError: (error: unknown) => void;
  now?: () => number;
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
      for (const threadId of await checkpointer.listOrphaned({ now: at, limit: batchSize })) {
        sent += await this.#wake(threadId, 'orphaned');
      }
    }
    return sent;
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
