import { describeThrown } from '../errors/describe-thrown';
import { RunError } from '../errors/run-error';
import { CheckpointError } from '../store/checkpoint-error';
import type { LeaseChange, LeaseToRenew } from '../store/types';
import type { AgentRuntime } from './agent-runtime';
import type { HeartbeatMember, LeaseHeartbeat } from './lease-heartbeat';
import { leaseStartFailure } from './lease-start-failure';

/** The run a {@link LeaseKeeper} holds the lease of. */
export interface LeaseHolder {
  readonly runtime: AgentRuntime;
  readonly threadId: string;
  readonly owner: string;
  /** Called once when the thread was taken by another owner. */
  leaseLost(error: RunError): void;
  /**
   * True once the run has ended and nothing it runs needs the lease any more: its next
   * checkpoint is its last, and gives the lease up with it where the store can.
   */
  readonly lettingGo: boolean;
}

/** What a {@link CheckpointWriter} asks of the run's lease (a {@link LeaseKeeper}). */
export interface CheckpointLease {
  /** Resolves once the run holds its thread's lease, taking it if no write is taking it. */
  whenHeld(): Promise<void>;
  /**
   * Whether a write may go now: the lease is held, or (for a checkpoint, `checkpoint` true)
   * the checkpoint can take it in its own transaction. Otherwise wait for {@link whenHeld}.
   */
  mayWrite(checkpoint: boolean): boolean;
  /**
   * The change the next checkpoint's transaction makes to the lease — taken with the run's
   * first, given up with its last, where the store can — or none. Call right before building
   * it; then {@link checkpointStored} or {@link checkpointFailed} with the same change.
   */
  changeForCheckpoint(): LeaseChange | undefined;
  /** The checkpoint that made `change` is stored: the lease is held, or given up. */
  checkpointStored(change: LeaseChange): void;
  /** The checkpoint that made `change` failed; resolves with the error to report. */
  checkpointFailed(change: LeaseChange, error: unknown): Promise<unknown>;
}

/**
 * Holds a run's lease on its thread: takes it, renews it on its agent's heartbeat (see
 * {@link LeaseHeartbeat}), confirms it before an effect acts, and gives it up. On a store
 * that can (`saveWithLease`), the lease is taken with the run's first checkpoint, in the same
 * transaction (on its own if a journal write comes first), and given up with its last; on
 * any other, the run takes it on its own as it starts. Nothing is written before it is
 * held. A lease the run could not give up is left in the agent's `strandedLeases`. A run whose
 * lease was taken stops before its next effect (see `Run`). It reads what it needs from the
 * run itself, so a run pays for no options object or callbacks here.
 */
export class LeaseKeeper implements HeartbeatMember, CheckpointLease {
  readonly #run: LeaseHolder;
  #expiresAt = 0;
  /** The lease's taking (made by the first write that needs it); resolves once it is held. */
  #taking: Promise<void> | undefined;
  /**
   * True once the lease is held. The run's heartbeat starts with the run, not with the lease:
   * renewed before it is taken, a lease not yet taken reads as taken by another.
   */
  #held = false;
  /** True once the lease was given up with the run's last checkpoint. */
  #givenUp = false;
  /** Settles the take a checkpoint is making (see {@link changeForCheckpoint}). */
  #takeSettled: { resolve: () => void; reject: (error: unknown) => void } | undefined;
  /** Take the lease even while another owner's is live (a child agent's thread). */
  readonly #force: boolean;
  #beating = false;
  #lost: RunError | undefined;
  #renewing: Promise<void> | undefined;

  constructor(run: LeaseHolder, { force = false }: { force?: boolean } = {}) {
    this.#run = run;
    this.#force = force;
  }

  /** The error the lease was lost with, if it was. */
  get lost(): RunError | undefined {
    return this.#lost;
  }

  /**
   * Takes the thread for a run starting on it, on its own. Rejects with `checkpoint.lease_held`
   * while another owner's lease is live, saying what a starting run can do about it (unless
   * the keeper forces).
   */
  acquire(): Promise<void> {
    this.#taking ??= this.#take();
    return this.#taking;
  }

  async #take(): Promise<void> {
    const { runtime, threadId, owner } = this.#run;
    const { checkpointer } = runtime;
    if (!checkpointer.acquireLease) {
      this.#held = true;
      return;
    }
    const now = runtime.clock.now();
    try {
      const lease = await checkpointer.acquireLease(threadId, {
        owner,
        ttlMs: runtime.leaseTtlMs,
        now,
        ...(this.#force ? { force: true } : {}),
      });
      this.#expiresAt = lease.expiresAt;
      this.#held = true;
    } catch (error) {
      throw leaseStartFailure(threadId, error);
    }
  }

  /** Takes note of a lease the run's restore took for it, running until `expiresAt`. */
  held(expiresAt: number): void {
    this.#expiresAt = expiresAt;
    this.#taking = Promise.resolve();
    this.#held = true;
  }

  /**
   * True when the store takes and gives up the lease in a checkpoint's transaction
   * (`saveWithLease`). It extends `saveWithJournal`: a store, or a wrapper, without that writes
   * results on their own before their checkpoint, and so the lease on its own before them.
   */
  get changesWithCheckpoint(): boolean {
    const { checkpointer } = this.#run.runtime;
    return checkpointer.saveWithLease !== undefined && checkpointer.saveWithJournal !== undefined;
  }

  whenHeld(): Promise<void> {
    return this.acquire();
  }

  mayWrite(checkpoint: boolean): boolean {
    return this.#held || (checkpoint && this.#taking === undefined && this.changesWithCheckpoint);
  }

  changeForCheckpoint(): LeaseChange | undefined {
    if (!this.changesWithCheckpoint) return undefined;
    const release = this.#run.lettingGo && !this.#lost && !this.#givenUp;
    if (this.#taking === undefined) {
      // The run's first write: its lease is taken in this checkpoint's transaction (and
      // given up in it too, when it is also the run's last). Writes that need the lease
      // meanwhile wait for this one.
      const { clock, leaseTtlMs: ttlMs } = this.#run.runtime;
      const take = { ttlMs, now: clock.now(), ...(this.#force ? { force: true } : {}) };
      this.#taking = new Promise<void>((resolve, reject) => {
        this.#takeSettled = { resolve, reject };
      });
      // Its failure is the run's through the checkpoint (and any write waiting for it).
      this.#taking.catch(() => undefined);
      return release ? { take, release } : { take };
    }
    return this.#held && release ? { release } : undefined;
  }

  checkpointStored({ take, release }: LeaseChange): void {
    if (take) {
      this.#expiresAt = take.now + take.ttlMs;
      this.#held = true;
      this.#takeSettled?.resolve();
      this.#takeSettled = undefined;
    }
    if (release) this.#gaveUp();
  }

  async checkpointFailed({ take }: LeaseChange, error: unknown): Promise<unknown> {
    if (!take) return error;
    const failure = leaseStartFailure(this.#run.threadId, error);
    this.#takeSettled?.reject(failure);
    this.#takeSettled = undefined;
    return failure;
  }

  /** The lease went with a checkpoint: the heartbeat stops, and nothing is left to give up. */
  #gaveUp(): void {
    this.#givenUp = true;
    this.stop();
  }

  /** Starts the heartbeat. */
  start(): void {
    const { runtime } = this.#run;
    if (!runtime.checkpointer.renewLease || this.#beating || this.#lost) return;
    this.#beating = true;
    runtime.leaseHeartbeat.add(this);
  }

  /** Stops the heartbeat (the lease then lapses unless released). */
  stop(): void {
    if (!this.#beating) return;
    this.#beating = false;
    this.#run.runtime.leaseHeartbeat.delete(this);
  }

  /**
   * At a beat of the agent's heartbeat: the lease, unless it was renewed (or taken) less than
   * half a beat ago, so a run that joined just before a beat is not renewed twice in a row. A
   * lease is thus renewed at least every one and a half beats — half its time to live — and
   * never while a renewal, or the lease's taking, is under way: on a store with several
   * connections (PostgreSQL) a renewal sent while the take is in flight may reach the table
   * first, find no lease of this run's, and stop a healthy run as taken over.
   */
  dueAtBeat(): LeaseToRenew | undefined {
    const { runtime, threadId, owner } = this.#run;
    const { leaseTtlMs, clock, leaseHeartbeat } = runtime;
    if (
      !this.#beating ||
      !this.#held ||
      this.#givenUp ||
      this.#renewing ||
      leaseTtlMs - (this.#expiresAt - clock.now()) < leaseHeartbeat.intervalMs / 2
    ) {
      return undefined;
    }
    return { threadId, owner };
  }

  /** Renews the lease at a beat (see {@link HeartbeatMember.renewAtBeat}). */
  renewAtBeat(batch?: { held: Promise<boolean>; now: number }): void {
    // Stopped since the beat began (the run ended or gave its lease up): nothing to renew.
    if (!this.#beating) return;
    // A store that refuses the renewal (a CheckpointError: one it cannot read, say) is
    // reported, never thrown from the timer, where it would end the process. The run keeps
    // the lease it holds until it expires; its next effect renews first (confirm) and fails
    // with the store's error if the store still refuses. The heartbeat goes on: the store
    // may recover.
    void this.#renew(batch).catch((error: unknown) => {
      const { runtime, threadId } = this.#run;
      const cause = describeThrown(error);
      runtime.events.warn(
        threadId,
        'lease.renew_failed',
        `The lease on thread "${threadId}" could not be renewed: ${cause}. The run keeps it until it expires and retries on the next heartbeat; its next step fails with this error if the store still refuses. Check the store: its error says what is wrong and what to do.`,
      );
    });
  }

  /**
   * Resolves when the lease is still this run's, renewing it first when less than a third of
   * its time is left (a process that stalled longer than the lease learns it here, before it
   * acts); rejects with the error the lease was lost with.
   */
  async confirm(): Promise<void> {
    if (this.#lost) throw this.#lost;
    const { checkpointer, clock, leaseTtlMs } = this.#run.runtime;
    if (!checkpointer.renewLease) return;
    if (this.#expiresAt - clock.now() < leaseTtlMs / 3) await this.#renew();
    if (this.#lost) throw this.#lost;
  }

  /** Stops the heartbeat and gives the lease up, so another process may take the thread at once. */
  async release(): Promise<void> {
    this.stop();
    const { runtime, threadId, owner } = this.#run;
    const { checkpointer } = runtime;
    if (this.#lost || this.#givenUp || !checkpointer.releaseLease) return;
    // Never taken: nothing to give up. Being taken: given up once it is held, if it is.
    if (this.#taking === undefined) return;
    const held = this.#held || (await this.#taking.then(isHeld, notHeld));
    if (!held || this.#givenUp) return;
    await checkpointer.releaseLease(threadId, owner).catch(() => {
      const now = runtime.clock.now();
      runtime.strandedLeases.add(threadId, owner, now + runtime.leaseTtlMs, now);
    });
  }

  /** Renews the lease on its own, or with the answer of a renewal made for many at once. */
  #renew(batch?: { held: Promise<boolean>; now: number }): Promise<void> {
    this.#renewing ??= (async () => {
      const { runtime, threadId, owner } = this.#run;
      const { checkpointer, clock, leaseTtlMs: ttlMs } = runtime;
      try {
        const now = batch?.now ?? clock.now();
        const held = await (batch?.held ??
          checkpointer.renewLease!(threadId, { owner, ttlMs, now }));
        if (held) {
          this.#expiresAt = now + ttlMs;
          return;
        }
        // Released while a beat's renewal was under way: the run gave the lease up itself.
        if (batch && !this.#beating) return;
        this.#lost = new RunError('run.taken_over', {
          message: `Thread "${threadId}" was taken over by another process after this run's lease lapsed (or by a forced resume). This run stops before its next effect; the other owner continues the thread.`,
          details: { threadId },
        });
        this.stop();
        this.#run.leaseLost(this.#lost);
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

const isHeld = () => true;
const notHeld = () => false;
