import type { Clock } from '../clock/clock';
import { RunError } from '../errors/run-error';
import { CheckpointError } from '../store/checkpoint-error';
import type { Checkpointer } from '../store/types';
import { unrefTimer } from './keep-alive';

/** Options of {@link LeaseKeeper}. */
export interface LeaseKeeperOptions {
  checkpointer: Checkpointer;
  threadId: string;
  owner: string;
  /** How long a lease lasts without a heartbeat. */
  ttlMs: number;
  clock: Clock;
  /** Called once when the thread was taken by another owner. */
  onLost: (error: RunError) => void;
  /** Called when the lease could not be given up: it stays until it lapses, or is released later. */
  onReleaseFailed?: () => void;
}

/**
 * Holds a run's lease on its thread: takes it, renews it on a heartbeat (a third of its
 * time-to-live, on an unref'd timer), confirms it before an effect acts, and gives it up.
 * A run whose lease was taken stops before its next effect (see `Run`).
 */
export class LeaseKeeper {
  #expiresAt = 0;
  #timer: unknown;
  #lost: RunError | undefined;
  #renewing: Promise<void> | undefined;

  constructor(private readonly options: LeaseKeeperOptions) {}

  /** The error the lease was lost with, if it was. */
  get lost(): RunError | undefined {
    return this.#lost;
  }

  /**
   * Takes the thread. Rejects with `checkpoint.lease_held` while another owner's lease is
   * live, unless `force`.
   */
  async acquire(force = false): Promise<void> {
    const { checkpointer, threadId, owner, ttlMs, clock } = this.options;
    if (!checkpointer.acquireLease) return;
    const lease = await checkpointer.acquireLease(threadId, {
      owner,
      ttlMs,
      now: clock.now(),
      ...(force ? { force } : {}),
    });
    this.#expiresAt = lease.expiresAt;
  }

  /** Starts the heartbeat. */
  start(): void {
    if (!this.options.checkpointer.renewLease || this.#timer !== undefined || this.#lost) return;
    const beat = () => {
      this.#timer = undefined;
      void this.#renew().then(() => {
        if (!this.#lost && this.#beating) this.#schedule(beat);
      });
    };
    this.#beating = true;
    this.#schedule(beat);
  }

  #beating = false;

  #schedule(beat: () => void): void {
    const { clock, ttlMs } = this.options;
    this.#timer = clock.setTimeout(beat, Math.max(1, Math.floor(ttlMs / 3)));
    unrefTimer(this.#timer);
  }

  /** Stops the heartbeat (the lease then lapses unless released). */
  stop(): void {
    this.#beating = false;
    if (this.#timer !== undefined) this.options.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /**
   * Resolves when the lease is still this run's, renewing it first when less than a third of
   * its time is left (a process that stalled longer than the lease learns it here, before it
   * acts); rejects with the error the lease was lost with.
   */
  async confirm(): Promise<void> {
    if (this.#lost) throw this.#lost;
    const { checkpointer, clock, ttlMs } = this.options;
    if (!checkpointer.renewLease) return;
    if (this.#expiresAt - clock.now() < ttlMs / 3) await this.#renew();
    if (this.#lost) throw this.#lost;
  }

  /** Stops the heartbeat and gives the lease up, so another process may take the thread at once. */
  async release(): Promise<void> {
    this.stop();
    const { checkpointer, threadId, owner } = this.options;
    if (this.#lost || !checkpointer.releaseLease) return;
    await checkpointer.releaseLease(threadId, owner).catch(() => this.options.onReleaseFailed?.());
  }

  #renew(): Promise<void> {
    this.#renewing ??= (async () => {
      const { checkpointer, threadId, owner, ttlMs, clock, onLost } = this.options;
      try {
        const now = clock.now();
        const held = await checkpointer.renewLease!(threadId, { owner, ttlMs, now });
        if (held) {
          this.#expiresAt = now + ttlMs;
          return;
        }
        this.#lost = new RunError('run.taken_over', {
          message: `Thread "${threadId}" was taken over by another process after this run's lease lapsed (or by a forced resume). This run stops before its next effect; the other owner continues the thread.`,
          details: { threadId },
        });
        this.stop();
        onLost(this.#lost);
      } catch (error) {
        // A store that cannot be reached: keep the lease we believe we hold until it expires;
        // journal writes are fenced by the store itself.
        if (CheckpointError.isInstance(error)) throw error;
      } finally {
        this.#renewing = undefined;
      }
    })();
    return this.#renewing;
  }
}
