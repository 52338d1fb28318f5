import type { JournalEntry, RunUsage } from '../ledger/types';
import type { LimitInfo } from '../run/types';

/** What a run keeps beside XState's snapshot so it can resume exactly. */
export interface RunState {
  status: RunStatus;
  input: unknown;
  startedAt: number;
  /**
   * How many effects each site has started: the next occurrence number. An effect the
   * snapshot shows running was the last one started at its site, so on resume it restarts
   * as occurrence `n - 1` under the same key.
   */
  occurrences: Record<string, number>;
  /**
   * Usage so far. On resume the model and tool figures are recomputed from the journal (plus
   * {@link RunState.usageBase}), so an effect finished after the last checkpoint is counted
   * once, not lost or counted twice.
   */
  usage: RunUsage;
  /** Usage this thread inherited and that its own journal does not show (a fork's parent's). */
  usageBase?: RunUsage;
  /** Set on a thread made by `agent.fork()`: where it came from. */
  forkedFrom?: { threadId: string; version: number };
  /** The tenant the run's model calls are charged to (quotas, cost ledger). */
  tenantId?: string;
  /** The name of the agent that started the thread: hosts route its wake-ups by it. */
  agent?: string;
  /** Set on a child agent's thread: the thread whose run drives it. */
  parentThreadId?: string;
  /**
   * Set once untrusted content (a tool's output, a message marked `untrusted`) reached one
   * of the run's model calls, or one of its child agents': a model's output from then on may
   * carry that content's instructions, whatever effect it went through. Every later
   * `toolLoop` of the run starts with its conversation counted as untrusted.
   */
  untrustedSeen?: true;
  /**
   * The history summaries the run's model calls sent last (at most a few, oldest first):
   * where each one's journal record is and what it stands for. A later effect that carries
   * the conversation on starts from one whose messages its own history begins with, rather
   * than summarising that history again (`compress-history`); kept here so a run restored
   * after it left memory still finds it.
   */
  historySummaries?: HistorySummaryRef[];
  /**
   * When a forced resume last took the thread over (on its process's clock). For one lease
   * TTL after it, another forced resume is refused while the taker's lease is live: the
   * taker has just started and is running the thread (ADR 0029).
   */
  takenOverAt?: number;
  /**
   * Why a run that ended `failed` failed: its error's code and message (redacted, at most
   * 2,000 characters), so the store says what went wrong after the process is gone.
   */
  error?: { code: string; message: string };
  /**
   * Why a run that ended `limit` stopped: the limit, the value that crossed it and its
   * maximum, so the store says which limit ended it after the process is gone.
   */
  limit?: LimitInfo;
  /**
   * Set while the run wraps up after a limit its chart handles (`limit.reached`): when the
   * wrap-up began, what the run had used then, and the limit it reached. A run restored in
   * its wrap-up (it waited for a person, left memory and was woken) goes on with the same
   * grace, counted from the same moment, instead of reaching its limit, and wrapping up,
   * again.
   */
  wrapUp?: { at: number; usage: RunUsage; limit: LimitInfo };
}

/** A history summary a run sent, as its state keeps it (see {@link RunState.historySummaries}). */
export interface HistorySummaryRef {
  /** The journal key of the summary's record (`…/N:summary`). */
  key: string;
  /** How many of the conversation's oldest unpinned history messages it stands for. */
  messages: number;
  /** A hash of those messages (role, content as stored, tool-call ids). */
  hash: string;
}

/** Where a run is. */
export type RunStatus = 'running' | 'waiting' | 'done' | 'failed' | 'limit' | 'stopped';

/**
 * A delayed event XState had scheduled (an `after` timer, a delayed `sendTo`/`raise`). XState
 * does not persist these in a restorable form, so the run stores them and re-arms them on
 * resume with the time that was left.
 */
export interface PendingDelayedEvent {
  /** Actor ids from the root to the actor that scheduled it; `''` is the root. */
  source: string;
  /** Actor ids from the root to the actor that receives it. */
  target: string;
  /** XState's id of the delayed event, used to cancel it when its state is left. */
  id: string;
  event: { type: string; [key: string]: unknown };
  /** When it is due, on the agent's clock. */
  dueAt: number;
}

/** One stored checkpoint of a thread. */
export interface Checkpoint {
  threadId: string;
  /** 1, 2, 3 … per thread; a save must name the version it follows (compare-and-set). */
  version: number;
  /** Hash of the machine's definition the snapshot belongs to. */
  machineVersion: string;
  /** XState's persisted snapshot. */
  snapshot: unknown;
  run: RunState;
  /** Delayed events pending at the time of the checkpoint. */
  delayedEvents?: PendingDelayedEvent[];
  createdAt: number;
  /**
   * The run that wrote it (a random token per run). Journal writes of a run that is no longer
   * the thread's owner are refused, so a stale process cannot start a second side effect.
   */
  owner?: string;
  /**
   * When the run next needs to act on its own — a human wait's deadline or a delayed event
   * (`after` timer), on the agent's clock — if it has such a time. A durable store keeps it
   * in an indexed column, so a scheduler finds the threads due without reading every one.
   */
  wakeAt?: number;
  /**
   * Set when newer checkpoints exist but could not be read (a corrupt row): this is the last
   * good one, and a resume continues after `headVersion`.
   */
  recovered?: { headVersion: number; unreadable: { version: number; reason: string }[] };
}

/** A checkpoint without its state, for listing a thread's history. */
export interface CheckpointSummary {
  threadId: string;
  version: number;
  machineVersion: string;
  status: RunStatus;
  createdAt: number;
  /** Bytes stored for this checkpoint (its delta or its full state), where the store knows. */
  bytes?: number;
}

/** What a store reports about a write. */
export interface CheckpointWriteResult {
  /** Bytes written for the checkpoint's state (a delta is much smaller than a full one). */
  bytes: number;
}

/** Options of {@link Checkpointer.putEffect}. */
export interface PutEffectOptions {
  /**
   * The run writing. When another owner holds the thread's lease (or, for a thread never
   * leased, its latest checkpoint names another owner), the write fails with
   * `checkpoint.conflict`: another process took the thread over.
   */
  owner?: string;
  /**
   * `false`: the entry must be visible and survive the process being killed when the call
   * resolves, but may wait for the next durable write to survive a power loss too — the
   * intent of a step that is harmless to run again (an idempotent call), recorded for the
   * record, not to guard an action. A store that makes no such difference ignores it.
   * Default true.
   */
  durable?: boolean;
}

/**
 * Storage of checkpoints and the effect journal. The in-memory store is for tests; durable
 * stores (SQLite, Postgres) implement the same interface.
 */
export interface Checkpointer {
  /**
   * The newest readable checkpoint of a thread, if any. When newer ones are unreadable, the
   * last good one is returned with {@link Checkpoint.recovered} set.
   */
  latest(threadId: string): Promise<Checkpoint | undefined>;
  /** One checkpoint of a thread; fails with `checkpoint.corrupt` when it cannot be read. */
  get(threadId: string, version: number): Promise<Checkpoint | undefined>;
  /**
   * Stores `checkpoint`; it must follow version `checkpoint.version - 1`, or the call fails
   * with a `checkpoint.conflict` error (another process advanced the thread):
   * `new CheckpointError('checkpoint.conflict', threadId, conflictMessage(threadId, head, checkpoint.version))`,
   * `head` the thread's newest version (0 for none). A checkpoint that names an `owner` also
   * fails with `checkpoint.conflict` when another owner holds the thread's lease, live or
   * expired (`fencedMessage(threadId, 'checkpoint 4', 'run "r2" holds its lease')`);
   * on a thread never leased it is not fenced by the previous checkpoint's owner (a process
   * takes such a thread over by writing its next checkpoint). The version check and the write
   * are one atomic step across processes sharing the store. When it resolves, the checkpoint
   * is durable. The helpers are in `@agentchart/core/internal`.
   */
  save(checkpoint: Checkpoint): Promise<CheckpointWriteResult | undefined>;
  /** A thread's checkpoints, oldest first, without their state. */
  list(threadId: string): Promise<CheckpointSummary[]>;
  getEffect(threadId: string, key: string): Promise<JournalEntry | undefined>;
  /**
   * Records an effect's intent or result under its `key` (a later write of the key replaces
   * the entry, keeping its place in {@link listEffects}); durable when it resolves. With
   * `options.owner`, the write is fenced: refused when another owner holds the thread's lease
   * (live or expired), or, on a thread never leased, when its latest checkpoint names another
   * owner — `new CheckpointError('checkpoint.conflict', threadId, fencedMessage(threadId, 'effect "k1"', takenBy))`,
   * `takenBy` being `'run "r2" holds its lease'` or `'its checkpoint 3 names another owner'`;
   * and refused when the thread has neither a lease nor a checkpoint —
   * `new CheckpointError('checkpoint.conflict', threadId, absentMessage(threadId, 'effect "k1"'))`:
   * a run's thread has one before its first journal write, so it was erased or pruned since
   * its run's lease lapsed, and the entry would bring the thread's data back (ADR 0084).
   * Entries written with a checkpoint (`saveWithJournal`) may create the thread with it.
   * A write without an owner is not fenced.
   */
  putEffect(entry: JournalEntry, options?: PutEffectOptions): Promise<void>;
  /**
   * Records several journal entries in one durable write: all of them, or none, each fenced
   * as `putEffect` fences it. A run writes an intent together with the results its effects
   * finished before it, so they cost one commit, not one each. Optional: without it, a run
   * issues one `putEffect` per entry, all at once (a store that groups the writes of a turn
   * of the event loop, as the SQLite store does, commits them together anyway).
   */
  putEffects?(entries: readonly JournalEntry[], options?: PutEffectOptions): Promise<void>;
  /**
   * Stores `checkpoint` and records `journal` entries in one durable write: all of them, or
   * none. The entries are fenced as `putEffect` fences them, on `checkpoint.owner`. A run hands
   * the results its effects finished during a macrostep to the checkpoint of that macrostep,
   * so the step costs one durable commit, not one per result. Optional: without it, a run
   * records each entry with `putEffect`, then saves the checkpoint.
   */
  saveWithJournal?(
    checkpoint: Checkpoint,
    journal: readonly JournalEntry[],
  ): Promise<CheckpointWriteResult | undefined>;
  /**
   * {@link saveWithJournal}, with a change to the thread's lease in the same transaction: its
   * `take` takes the lease for `checkpoint.owner` first, as {@link acquireLease} would (refused
   * with `checkpoint.lease_held`, nothing is written); its `release` gives that owner's lease
   * up after the save, as {@link releaseLease} would. A run takes its lease with its first
   * checkpoint and gives it up with its last, so a run costs one commit per macrostep, not two
   * more for its lease. Optional, and used only by a store that has `saveWithJournal` too:
   * without them, a run takes and gives up its lease on its own.
   */
  saveWithLease?(
    checkpoint: Checkpoint,
    journal: readonly JournalEntry[],
    lease: LeaseChange,
  ): Promise<CheckpointWriteResult | undefined>;
  /** The thread's journal, oldest effect first. */
  listEffects(threadId: string): Promise<JournalEntry[]>;
  /**
   * Drops what the store keeps in memory for a thread whose run left memory (evicted while
   * waiting); its stored checkpoints and journal stay. Optional.
   */
  release?(threadId: string): void;
  /**
   * Takes the lease on a thread for `owner` until `now + ttlMs`, or renews it when `owner`
   * already holds it. Fails with `checkpoint.lease_held` while another owner's lease is
   * live (`expiresAt > now`), unless `force` is set: then the other owner loses it at once
   * (its journal writes are refused from then on), or `takeOverFrom` names that owner. Make
   * the error with `CheckpointError.leaseHeld(threadId, heldLease, now, options.takeOverFrom)`.
   * Options no store can honour (an empty owner, a `ttlMs` that is not positive) are refused
   * with `definition.invalid_option` before anything is read: call `assertLeaseOptions` from
   * `@agentchart/core/internal` first. Atomic across processes sharing the store.
   *
   * Writes are fenced on the holder, live or expired: once a lease was taken, only its
   * holder's journal writes and checkpoints naming an owner are accepted, until another
   * owner acquires it. A journal write on a thread never leased falls back to the owner of
   * its latest checkpoint (see {@link putEffect} and {@link save}).
   */
  acquireLease(threadId: string, options: AcquireLeaseOptions): Promise<ThreadLease>;
  /**
   * Extends `owner`'s lease to `now + ttlMs`. Resolves false (and changes nothing) when
   * `owner` no longer holds the thread: another owner took it after it expired, or by force,
   * or it released it. Refuses options as {@link acquireLease} does (`assertLeaseOptions`).
   */
  renewLease(threadId: string, options: RenewLeaseOptions): Promise<boolean>;
  /**
   * {@link renewLease} for many threads in one write: extends each lease its owner still
   * holds to `now + ttlMs`, and resolves with the threads whose leases it extended (a lease
   * another owner took, or one released, is left as it is and not listed). An agent renews
   * all its runs' leases on one heartbeat; with this, a beat costs one commit (or one round
   * trip), not one per run. Optional: without it, each lease is renewed on its own.
   */
  renewLeases?(leases: readonly LeaseToRenew[], options: RenewLeasesOptions): Promise<string[]>;
  /**
   * Gives the lease up if `owner` holds it, so another process may take the thread at once.
   * The lease stays stored, expired ({@link ThreadLease.expiresAt} 0); renewing it fails.
   */
  releaseLease(threadId: string, owner: string): Promise<void>;
  /** The thread's lease as stored (possibly expired), if one was ever taken. */
  getLease(threadId: string): Promise<ThreadLease | undefined>;
  /** Threads in the store, least recently updated first (durable stores). Optional. */
  listThreads?(options?: ListThreadsOptions): Promise<StoredThread[]>;
  /**
   * Threads resting `waiting` whose {@link Checkpoint.wakeAt} is at or before `now`, soonest
   * first, at most `limit`: what a scheduler wakes. Served by an index on the wake time, not
   * a scan of every thread. Optional.
   */
  listDue?(options: ListDueOptions): Promise<DueThread[]>;
  /**
   * Deletes the checkpoints, journal, lease and wake-up rows of threads that ended (in
   * `statuses`) before `before`, in batches of `batchSize` threads, each its own short
   * transaction, so running work is never blocked for long. A child agent's thread whose
   * parent is stored `running` or `waiting` is kept, however long ago it ended: the parent may
   * not have journaled the child's outcome yet (it died in between, or reads it later), and
   * resumed without the child's thread it would run the child again from the start. It goes
   * once its parent has ended. Optional.
   */
  prune?(options: PruneOptions): Promise<PruneResult>;
  /**
   * Deletes threads entirely, for an erasure request: each thread's checkpoints, journal, run
   * log rows, lease and wake-up rows, and those of its child agents' threads
   * (`<thread>/<effect key>`, at any depth), in batches of `options.batchSize` threads, each
   * its own short transaction. Whatever their status: a `waiting` thread is erased like an
   * ended one (a reply or a wake-up for it later finds no thread: `run.not_found`). Refused
   * with `checkpoint.lease_held`, nothing deleted, while one of them has a lease live at
   * `options.now`: a run holds it (running, or waiting in a process's memory), and its next
   * checkpoint would write the thread back. A thread stored `running` whose lease lapsed (its
   * process died) is erased. An id with nothing stored is no error: there is nothing to erase.
   * Erase a family from its root: a child agent's thread erased alone is run again from its
   * start by its parent, if the parent goes on.
   * Build it on `eraseInBatches` from `@agentchart/core/internal`. Optional.
   */
  erase?(threadIds: readonly string[], options?: EraseOptions): Promise<EraseResult>;
  /**
   * The threads of a tenant, to erase them: those whose newest checkpoint names it
   * (`run.tenantId`) and those with a run log row charged to it, whether or not they have run
   * log rows. Read in bounded batches of `options.batchSize` threads. Optional.
   */
  listTenantThreads?(tenantId: string, options?: ListTenantThreadsOptions): Promise<string[]>;
}

/** A thread as a store lists it. */
export interface StoredThread {
  threadId: string;
  /** Its newest checkpoint's version. */
  version: number;
  status: RunStatus;
  /** When its newest checkpoint was written, on the writer's clock. */
  updatedAt: number;
}

/** Options of {@link Checkpointer.listThreads}. */
export interface ListThreadsOptions {
  /** Only threads in this status. */
  status?: RunStatus | undefined;
}

/** Options of {@link Checkpointer.listDue}. */
export interface ListDueOptions {
  /** The caller's current time (its injected clock). */
  now: number;
  /** The most threads returned. */
  limit: number;
}

/** A thread due to be woken. */
export interface DueThread {
  threadId: string;
  wakeAt: number;
}

/** Options of {@link Checkpointer.prune}. */
export interface PruneOptions {
  /** Threads whose newest checkpoint is older than this time (ms since the epoch) go. */
  before: number;
  /**
   * Which ended statuses go. Never `running` or `waiting`: a live thread is not pruned, nor
   * a child agent's ended thread while its parent is live (see {@link Checkpointer.prune}).
   */
  statuses: readonly Exclude<RunStatus, 'running' | 'waiting'>[];
  /** Threads deleted per transaction. Default 500. */
  batchSize?: number | undefined;
  /** Stop after this many threads (the next call continues). Default: no limit. */
  maxThreads?: number | undefined;
}

/** What {@link Checkpointer.prune} deleted. */
export interface PruneResult {
  threads: number;
  checkpoints: number;
  effects: number;
  /** Transactions it took. */
  batches: number;
}

/** Options of {@link Checkpointer.erase}. */
export interface EraseOptions {
  /** The caller's current time, against which leases are live. Default `Date.now()`. */
  now?: number | undefined;
  /** Threads deleted per transaction. Default 100. */
  batchSize?: number | undefined;
  /**
   * Find the threads and count their rows, deleting nothing; refused as the erase itself
   * would be while a live run holds one of them. Default false.
   */
  dryRun?: boolean | undefined;
}

/** What {@link Checkpointer.erase} deleted (or, in a dry run, would delete). */
export interface EraseResult {
  /** The threads erased: those given and their child agents' threads, children first. */
  threadIds: string[];
  /** Threads that had a stored head (a checkpoint) among them. */
  threads: number;
  checkpoints: number;
  /** Journal entries (each with its run log row). */
  effects: number;
  /** Transactions it took (0 in a dry run). */
  batches: number;
  dryRun: boolean;
}

/** Options of {@link Checkpointer.listTenantThreads}. */
export interface ListTenantThreadsOptions {
  /** Threads read per query while scanning. Default 500. */
  batchSize?: number | undefined;
}

/** Who owns a thread, until when. See {@link Checkpointer.acquireLease}. */
export interface ThreadLease {
  threadId: string;
  /** The run holding the thread (a random token per run). */
  owner: string;
  /** Milliseconds since the epoch, on the clock of the process that took or renewed it. */
  expiresAt: number;
}

/** Options of {@link Checkpointer.renewLease}. */
export interface RenewLeaseOptions {
  owner: string;
  ttlMs: number;
  /** The caller's current time (its injected clock). */
  now: number;
}

/** A lease {@link Checkpointer.renewLeases} is asked to extend. */
export interface LeaseToRenew {
  threadId: string;
  /** The run that believes it holds the thread. */
  owner: string;
}

/** Options of {@link Checkpointer.renewLeases}. */
export interface RenewLeasesOptions {
  ttlMs: number;
  /** The caller's current time (its injected clock). */
  now: number;
}

/** Options of {@link Checkpointer.acquireLease}. */
export interface AcquireLeaseOptions extends RenewLeaseOptions {
  /** Take the thread even while another owner's lease is live, whoever that owner is. */
  force?: boolean;
  /**
   * Take the thread from this owner even while its lease is live: the caller knows that
   * owner is gone. Still refused while any other owner's lease is live, in the same atomic
   * step as the take, so of two processes taking a thread over from the same dead owner
   * exactly one gets it.
   */
  takeOverFrom?: string;
}

/** A change to a thread's lease made with a checkpoint (see {@link Checkpointer.saveWithLease}). */
export interface LeaseChange {
  /** Take the lease for the checkpoint's owner before saving it, with these options. */
  take?: Omit<AcquireLeaseOptions, 'owner'>;
  /** Give the checkpoint owner's lease up once it is saved. */
  release?: boolean;
}
