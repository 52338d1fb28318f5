import type { CostFilter, CostGroupKey, CostSummary } from '../cost/cost-ledger';
import { checkOptionNames } from '../errors/option-names';
import type { JournalEntry } from '../ledger/types';
import { validateNumberOption } from '../reliability/validate-option';
import { effectLogRowOf } from '../run-log/effect-log-row';
import { filterEffectLog, summariseCostRows, summariseRuns } from '../run-log/summarise-rows';
import type {
  EffectLogFilter,
  EffectLogRow,
  RunFilter,
  RunLog,
  RunSummary,
} from '../run-log/types';
import { CheckpointError } from './checkpoint-error';
import { absentMessage, conflictMessage, fencedMessage } from './conflict-messages';
import { eraseInBatches, liveLeaseError } from './erase-in-batches';
import { assertLeaseOptions } from './lease-options';
import { listTenantThreadsInPages } from './list-tenant-threads';
import { checkListDueOptions, checkListThreadsOptions } from './list-threads-options';
import { isKeptForItsParent, pruneInBatches } from './prune-in-batches';
import { SealedCheckpoint } from './sealed-checkpoint';
import type {
  AcquireLeaseOptions,
  Checkpoint,
  Checkpointer,
  CheckpointSummary,
  CheckpointWriteResult,
  DueThread,
  EraseOptions,
  EraseResult,
  LeaseChange,
  LeaseToRenew,
  ListDueOptions,
  ListTenantThreadsOptions,
  ListThreadsOptions,
  PruneOptions,
  PruneResult,
  PutEffectOptions,
  RenewLeaseOptions,
  RenewLeasesOptions,
  StoredThread,
  ThreadLease,
} from './types';

/** Options of {@link MemoryCheckpointer}. */
export interface MemoryCheckpointerOptions {
  /**
   * Checkpoints kept per thread, newest first; older ones are dropped (time travel reaches
   * only what is kept). A whole number, 1 or more: a thread is its latest checkpoint, and
   * with none kept it would be gone as soon as it was written. Default: all of them.
   */
  retainCheckpoints?: number | undefined;
}

/**
 * A stored checkpoint: its summary, and the checkpoint itself — as JSON text, or as it was
 * given when it is a {@link SealedCheckpoint} (frozen JSON values that share what did not
 * change with the thread's previous checkpoint).
 */
interface StoredCheckpoint extends CheckpointSummary {
  owner: string | undefined;
  wakeAt: number | undefined;
  json?: string;
  sealed?: SealedCheckpoint;
}

/**
 * Checkpoints and journal in process memory: fast, and gone with the process. For tests
 * and throwaway runs. Values are kept as JSON — copied out, so callers cannot mutate stored
 * state, and shaped exactly as a durable store would return them (a value JSON cannot carry
 * is caught when it is stored, not first in production). A run's checkpoints are sealed
 * (frozen JSON trees sharing every unchanged node with the previous one): they are kept as
 * they are, so a step costs what it changed, not the size of the state; any other checkpoint
 * is kept as JSON text. Its run log is read from the journal when asked, with the same rows
 * the durable stores write.
 *
 * Every thread stays until `prune()` or `erase()` removes it, with all its checkpoints unless
 * `retainCheckpoints` says fewer: a long-lived process that runs agents on it holds a few
 * kilobytes more for each run it has run.
 */
export class MemoryCheckpointer implements Checkpointer, RunLog {
  readonly #checkpoints = new Map<string, StoredCheckpoint[]>();
  readonly #effects = new Map<string, Map<string, string>>();
  readonly #leases = new Map<string, ThreadLease>();
  readonly #retain: number;

  constructor(options: MemoryCheckpointerOptions = {}) {
    checkOptionNames('MemoryCheckpointer', options, ['retainCheckpoints']);
    const { retainCheckpoints = Number.POSITIVE_INFINITY } = options;
    validateNumberOption('MemoryCheckpointer', 'retainCheckpoints', retainCheckpoints, {
      min: 1,
      max: Number.MAX_SAFE_INTEGER,
      integer: true,
      allowInfinity: true,
      expected:
        'a whole number of checkpoints to keep per thread, 1 or more (the latest is the thread), or leave it out to keep all of them',
    });
    this.#retain = retainCheckpoints;
  }

  async latest(threadId: string): Promise<Checkpoint | undefined> {
    const last = this.#checkpoints.get(threadId)?.at(-1);
    return last && copyOut(last);
  }

  async get(threadId: string, version: number): Promise<Checkpoint | undefined> {
    const found = this.#checkpoints.get(threadId)?.find((item) => item.version === version);
    return found && copyOut(found);
  }

  async saveWithJournal(
    checkpoint: Checkpoint,
    journal: readonly JournalEntry[],
  ): Promise<CheckpointWriteResult | undefined> {
    // Everything checked and serialised before anything changes: all of it is stored, or none.
    const { owner } = checkpoint;
    // The checkpoint's own version check refuses a thread erased under it: its entries may
    // create the thread with it.
    if (owner !== undefined) {
      for (const entry of journal) this.#assertOwner(entry, owner, { withCheckpoint: true });
    }
    this.#assertCanSave(checkpoint);
    const entries = journal.map((entry) => [entry, JSON.stringify(entry)] as const);
    const row = storedRow(checkpoint);
    for (const [entry, json] of entries) this.#put(entry, json);
    return this.#push(row);
  }

  /**
   * {@link saveWithJournal} with the lease taken before, or given up after, as one write: a
   * run's first and last checkpoints carry its lease, so it makes no calls of its own for it.
   * Made of the store's own steps (`acquireLease`, `save` or `saveWithJournal`,
   * `releaseLease`), so a subclass that changes one of them (a test's store that fails or
   * slows a step) changes this write too. A save refused after its take gives the lease back
   * to what it was, unless it changed hands in between; a release refused after the save is
   * stored does not refuse the write (the checkpoint is stored, and a finished run is not
   * failed for its lease): the lease then runs out at its time.
   */
  async saveWithLease(
    checkpoint: Checkpoint,
    journal: readonly JournalEntry[],
    lease: LeaseChange,
  ): Promise<CheckpointWriteResult | undefined> {
    const { threadId } = checkpoint;
    const owner = checkpoint.owner!;
    const { take, release } = lease;
    // Its value now: a renewal changes a lease in place.
    const held = this.#leases.get(threadId);
    const before = held && { ...held };
    if (take) await this.acquireLease(threadId, { owner, ...take });
    let result: CheckpointWriteResult | undefined;
    try {
      result = await (journal.length > 0
        ? this.saveWithJournal(checkpoint, journal)
        : this.save(checkpoint));
    } catch (error) {
      if (take) this.#undoTake(threadId, owner, take.now + take.ttlMs, before);
      throw error;
    }
    if (release) await this.releaseLease(threadId, owner).catch(() => undefined);
    return result;
  }

  /**
   * Puts back the lease a refused save's take replaced, as a durable store's transaction rolls
   * back, while the lease is still the one that take made: another owner that took the thread
   * since keeps it.
   */
  #undoTake(
    threadId: string,
    owner: string,
    expiresAt: number,
    before: ThreadLease | undefined,
  ): void {
    const current = this.#leases.get(threadId);
    if (current?.owner !== owner || current.expiresAt !== expiresAt) return;
    if (before) this.#leases.set(threadId, before);
    else this.#leases.delete(threadId);
  }

  async save(checkpoint: Checkpoint): Promise<CheckpointWriteResult | undefined> {
    this.#assertCanSave(checkpoint);
    return this.#push(storedRow(checkpoint));
  }

  #push(row: StoredCheckpoint): CheckpointWriteResult | undefined {
    const list = this.#checkpoints.get(row.threadId) ?? [];
    list.push(row);
    if (list.length > this.#retain) list.splice(0, list.length - this.#retain);
    this.#checkpoints.set(row.threadId, list);
    // A sealed checkpoint is not serialised: its size is not known here.
    return row.json === undefined ? undefined : { bytes: row.json.length };
  }

  async list(threadId: string): Promise<CheckpointSummary[]> {
    return (this.#checkpoints.get(threadId) ?? []).map(
      ({ version, machineVersion, status, createdAt }) => ({
        threadId,
        version,
        machineVersion,
        status,
        createdAt,
      }),
    );
  }

  async getEffect(threadId: string, key: string): Promise<JournalEntry | undefined> {
    const json = this.#effects.get(threadId)?.get(key);
    return json === undefined ? undefined : JSON.parse(json);
  }

  async putEffect(entry: JournalEntry, { owner }: PutEffectOptions = {}): Promise<void> {
    if (owner !== undefined) this.#assertOwner(entry, owner, { withCheckpoint: false });
    this.#put(entry, JSON.stringify(entry));
  }

  #put(entry: JournalEntry, json: string): void {
    let entries = this.#effects.get(entry.threadId);
    if (!entries) {
      entries = new Map();
      this.#effects.set(entry.threadId, entries);
    }
    entries.set(entry.key, json);
  }

  async listEffects(threadId: string): Promise<JournalEntry[]> {
    return [...(this.#effects.get(threadId)?.values() ?? [])].map((json) => JSON.parse(json));
  }

  async listEffectLog(filter: EffectLogFilter = {}): Promise<EffectLogRow[]> {
    const threads = filter.threadId === undefined ? [...this.#effects.keys()] : [filter.threadId];
    return filterEffectLog(
      threads.flatMap((threadId) => this.#logOf(threadId)),
      filter,
    );
  }

  async listRuns(filter: RunFilter = {}): Promise<RunSummary[]> {
    const heads = [...this.#checkpoints.values()].map((list) => {
      const head = list.at(-1)!;
      return {
        threadId: head.threadId,
        status: head.status,
        version: head.version,
        updatedAt: head.createdAt,
      };
    });
    return summariseRuns(heads, (threadId) => this.#logOf(threadId), filter);
  }

  async summariseCost(
    filter: CostFilter = {},
    by?: CostGroupKey,
  ): Promise<Map<string, CostSummary>> {
    const rows = [...this.#effects.keys()].flatMap((threadId) => this.#logOf(threadId));
    return summariseCostRows(rows, filter, by);
  }

  async acquireLease(threadId: string, options: AcquireLeaseOptions): Promise<ThreadLease> {
    assertLeaseOptions('acquireLease', options);
    const { owner, ttlMs, now, force = false, takeOverFrom } = options;
    const held = this.#leases.get(threadId);
    const live = held && held.owner !== owner && held.expiresAt > now;
    if (live && !force && held.owner !== takeOverFrom) {
      throw CheckpointError.leaseHeld(threadId, held, now, takeOverFrom);
    }
    const lease = { threadId, owner, expiresAt: now + ttlMs };
    this.#leases.set(threadId, lease);
    return { ...lease };
  }

  async renewLease(threadId: string, options: RenewLeaseOptions): Promise<boolean> {
    assertLeaseOptions('renewLease', options);
    const held = this.#leases.get(threadId);
    if (!held || held.owner !== options.owner || held.expiresAt === 0) return false;
    held.expiresAt = options.now + options.ttlMs;
    return true;
  }

  async renewLeases(
    leases: readonly LeaseToRenew[],
    { ttlMs, now }: RenewLeasesOptions,
  ): Promise<string[]> {
    for (const { owner } of leases) assertLeaseOptions('renewLeases', { owner, ttlMs, now });
    const renewed: string[] = [];
    for (const { threadId, owner } of leases) {
      if (await this.renewLease(threadId, { owner, ttlMs, now })) renewed.push(threadId);
    }
    return renewed;
  }

  async releaseLease(threadId: string, owner: string): Promise<void> {
    const held = this.#leases.get(threadId);
    if (held?.owner === owner) held.expiresAt = 0;
  }

  async getLease(threadId: string): Promise<ThreadLease | undefined> {
    const held = this.#leases.get(threadId);
    return held && { ...held };
  }

  /** Refuses a checkpoint written by another owner than the lease's, or out of order. */
  #assertCanSave(checkpoint: Checkpoint): void {
    const lease = this.#leases.get(checkpoint.threadId);
    if (checkpoint.owner !== undefined && lease && lease.owner !== checkpoint.owner) {
      throw new CheckpointError(
        'checkpoint.conflict',
        checkpoint.threadId,
        fencedMessage(
          checkpoint.threadId,
          `checkpoint ${checkpoint.version}`,
          `run "${lease.owner}" holds its lease`,
        ),
      );
    }
    const current = this.#checkpoints.get(checkpoint.threadId)?.at(-1)?.version ?? 0;
    if (checkpoint.version !== current + 1) {
      throw new CheckpointError(
        'checkpoint.conflict',
        checkpoint.threadId,
        conflictMessage(checkpoint.threadId, current, checkpoint.version),
      );
    }
  }

  async listThreads(options: ListThreadsOptions = {}): Promise<StoredThread[]> {
    checkListThreadsOptions(options);
    const { status } = options;
    const threads: StoredThread[] = [];
    for (const [threadId, list] of this.#checkpoints) {
      const head = list.at(-1);
      if (!head || (status !== undefined && head.status !== status)) continue;
      threads.push({
        threadId,
        version: head.version,
        status: head.status,
        updatedAt: head.createdAt,
      });
    }
    return threads.sort((a, b) => a.updatedAt - b.updatedAt);
  }

  async listDue(options: ListDueOptions): Promise<DueThread[]> {
    checkListDueOptions(options);
    const { now, limit } = options;
    const due: DueThread[] = [];
    for (const [threadId, list] of this.#checkpoints) {
      const head = list.at(-1);
      if (head?.status !== 'waiting' || head.wakeAt === undefined || head.wakeAt > now) continue;
      due.push({ threadId, wakeAt: head.wakeAt });
    }
    return due.sort((a, b) => a.wakeAt - b.wakeAt).slice(0, limit);
  }

  async prune(options: PruneOptions): Promise<PruneResult> {
    return pruneInBatches(options, {
      select: async (statuses, before, limit, from) =>
        (await this.listThreads())
          .filter(
            (thread) =>
              statuses.includes(`"${thread.status}"`) &&
              thread.updatedAt >= from &&
              thread.updatedAt < before &&
              !isKeptForItsParent(
                thread.threadId,
                (id) => this.#checkpoints.get(id)?.at(-1)?.status,
              ),
          )
          .slice(0, limit)
          .map(({ threadId, updatedAt }) => ({ threadId, updatedAt })),
      remove: (threadIds) => {
        const removed = { threads: 0, checkpoints: 0, effects: 0 };
        for (const threadId of threadIds) {
          removed.checkpoints += this.#checkpoints.get(threadId)?.length ?? 0;
          removed.effects += this.#effects.get(threadId)?.size ?? 0;
          removed.threads += this.#checkpoints.delete(threadId) ? 1 : 0;
          this.#effects.delete(threadId);
          this.#leases.delete(threadId);
        }
        return removed;
      },
    });
  }

  async erase(threadIds: readonly string[], options: EraseOptions = {}): Promise<EraseResult> {
    const stored = (ids: readonly string[]) => ({
      threads: ids.filter((id) => this.#checkpoints.has(id)).length,
      checkpoints: ids.reduce((sum, id) => sum + (this.#checkpoints.get(id)?.length ?? 0), 0),
      effects: ids.reduce((sum, id) => sum + (this.#effects.get(id)?.size ?? 0), 0),
    });
    const liveLeases = (ids: readonly string[], now: number) =>
      ids.flatMap((id) => {
        const lease = this.#leases.get(id);
        return lease && lease.expiresAt > now ? [{ ...lease }] : [];
      });
    return eraseInBatches(threadIds, options, {
      under: (ids) =>
        [...new Set([...this.#checkpoints.keys(), ...this.#effects.keys()])].filter((id) =>
          ids.some((ancestor) => id.startsWith(`${ancestor}/`)),
        ),
      liveLeases,
      count: stored,
      remove: (ids, now) => {
        const live = liveLeases(ids, now);
        if (live.length > 0) throw liveLeaseError(live, now);
        const removed = stored(ids);
        for (const id of ids) {
          this.#checkpoints.delete(id);
          this.#effects.delete(id);
          this.#leases.delete(id);
        }
        return removed;
      },
    });
  }

  async listTenantThreads(
    tenantId: string,
    options: ListTenantThreadsOptions = {},
  ): Promise<string[]> {
    return listTenantThreadsInPages(tenantId, options, {
      page: (after, limit) => {
        const page = [...this.#checkpoints.keys()]
          .filter((id) => id > after)
          .sort()
          .slice(0, limit);
        const matching = page.filter((id) => {
          const head = this.#checkpoints.get(id)?.at(-1);
          return head !== undefined && copyOut(head).run.tenantId === tenantId;
        });
        return { page, matching };
      },
      charged: () =>
        [...this.#effects.keys()].filter((id) =>
          this.#logOf(id).some((row) => row.tenantId === tenantId),
        ),
    });
  }

  /** The run log rows of a thread, in the order its journal records were first written. */
  #logOf(threadId: string): EffectLogRow[] {
    return [...(this.#effects.get(threadId)?.values() ?? [])].map((json) =>
      effectLogRowOf(JSON.parse(json)),
    );
  }

  /**
   * Refuses a journal write of `owner` when another run owns the thread, or, written without a
   * checkpoint, when the thread has neither a lease nor a checkpoint: a run's thread has one
   * of them before its first journal write (ADR 0052), so it was erased or pruned since (ADR
   * 0084), and the entry would bring its data back.
   */
  #assertOwner(
    entry: JournalEntry,
    owner: string,
    { withCheckpoint }: { withCheckpoint: boolean },
  ): void {
    const lease = this.#leases.get(entry.threadId);
    const head = this.#checkpoints.get(entry.threadId)?.at(-1);
    if (!lease && !head && !withCheckpoint) {
      throw new CheckpointError(
        'checkpoint.conflict',
        entry.threadId,
        absentMessage(entry.threadId, `effect "${entry.key}"`),
      );
    }
    const takenBy = lease
      ? lease.owner !== owner && `run "${lease.owner}" holds its lease`
      : head?.owner !== undefined &&
        head.owner !== owner &&
        `its checkpoint ${head.version} names another owner`;
    if (takenBy) {
      throw new CheckpointError(
        'checkpoint.conflict',
        entry.threadId,
        fencedMessage(entry.threadId, `effect "${entry.key}"`, takenBy),
      );
    }
  }
}

/** The row a checkpoint is kept as: a sealed one as it is, any other as JSON text. */
function storedRow(checkpoint: Checkpoint): StoredCheckpoint {
  const summary = {
    threadId: checkpoint.threadId,
    version: checkpoint.version,
    machineVersion: checkpoint.machineVersion,
    status: checkpoint.run.status,
    createdAt: checkpoint.createdAt,
    owner: checkpoint.owner,
    wakeAt: checkpoint.wakeAt,
  };
  if (checkpoint instanceof SealedCheckpoint) return { ...summary, sealed: checkpoint };
  const { recovered: _, ...stored } = checkpoint;
  return { ...summary, json: JSON.stringify(stored) };
}

/** A stored checkpoint as a new plain object the caller may change (a restore does). */
function copyOut(stored: StoredCheckpoint): Checkpoint {
  return JSON.parse(stored.json ?? JSON.stringify(stored.sealed));
}
