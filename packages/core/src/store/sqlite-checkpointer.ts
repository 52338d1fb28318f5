import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite';
import type { CostFilter, CostGroupKey, CostSummary } from '../cost/cost-ledger';
import { DefinitionError } from '../errors/definition-error';
import { checkOptionNames, describeValue, optionNamesOf } from '../errors/option-names';
import type { JournalEntry } from '../ledger/types';
import { validateNumberOption } from '../reliability/validate-option';
import type {
  EffectLogFilter,
  EffectLogRow,
  RunFilter,
  RunLog,
  RunSummary,
} from '../run-log/types';
import { CheckpointChain, decodeChain } from './checkpoint-chain';
import { CheckpointError } from './checkpoint-error';
import { absentMessage, conflictMessage, fencedMessage } from './conflict-messages';
import { type ErasedRows, eraseInBatches, liveLeaseError } from './erase-in-batches';
import { assertLeaseOptions } from './lease-options';
import { listTenantThreadsInPages } from './list-tenant-threads';
import { checkListDueOptions, checkListThreadsOptions } from './list-threads-options';
import { pruneInBatches } from './prune-in-batches';
import { guardDatabase, openCheckpointDatabase, type SqliteSynchronous } from './sqlite-database';
import { type FailureContext, toStoreError } from './sqlite-errors';
import { databaseFileGuard } from './sqlite-file-guard';
import {
  type CheckpointRow,
  type EffectRow,
  toCheckpoint,
  toEntry,
  toStateRow,
} from './sqlite-rows';
import { runLogSchemaVersion, SqliteRunLog } from './sqlite-run-log';
import { rollbackQuietly } from './sqlite-schema';
import { type SqliteStatementName, sqliteStatements as sql } from './sqlite-statements';
import { wakeupsSchemaVersion } from './sqlite-wakeups-backfill';
import { type BatchedWrite, SqliteWriteBatch } from './sqlite-write-batch';
import { StorageError } from './storage-error';
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
  RunStatus,
  StoredThread,
  ThreadLease,
} from './types';

/** Options of {@link SqliteCheckpointer}. */
export interface SqliteCheckpointerOptions {
  /** The database file, created with its folder when absent. Default `.agentchart/runs.db`; `:memory:` for a private in-memory database. */
  path?: string | undefined;
  /**
   * When a write is durable. `full` (default): fsynced before it returns, so it survives a
   * power loss. `normal`: it survives the process being killed, not the machine losing power;
   * writes are faster.
   */
  synchronous?: SqliteSynchronous | undefined;
  /** How long a write waits for another process's write to finish. Default 5000 ms. */
  busyTimeoutMs?: number | undefined;
  /** Check the whole file with SQLite's `quick_check` when opening. Default false. */
  verify?: boolean | undefined;
  /**
   * Threads at rest (waiting, done, failed…) whose last state is kept in memory, so their next
   * checkpoint is a delta. Default 256. Runs in progress are remembered whatever this is (up
   * to 16,384 at once): their state is the run's own, shared, not a copy.
   */
  cachedThreads?: number | undefined;
  /**
   * Open an existing database to read it only: nothing is created, migrated or written (not
   * even the switch to WAL), so it works on a read-only file or folder; every write is
   * refused with `storage.read_only`. Default false.
   */
  readOnly?: boolean | undefined;
  /**
   * Keep the run log: a row in `effect_log` for every journal record, written in the same
   * transaction (see {@link SqliteCheckpointer.listEffectLog}). `false` writes the journal
   * only; the log then answers from the rows it has. Default true.
   */
  runLog?: boolean | undefined;
}

/**
 * Checkpoints and the effect journal in an SQLite file (Node's built-in `node:sqlite`; no
 * server, no dependency). Each checkpoint stores a delta against the one before, so a step
 * writes bytes in proportion to what changed; a checkpoint compare-and-sets the thread's
 * version, so two processes cannot both advance a thread, and takes the journal results of
 * its macrostep in the same transaction (`saveWithJournal`). Writes made in one turn of the
 * event loop — every run's — share one commit (group commit), so at the default durability
 * many runs pay one fsync. Several processes may share one file; a thread's lease is a row
 * they all see. Beside the journal it keeps the run log, the `effect_log` table: one row per
 * effect step in typed columns, written with its journal row, for SQL, `agentchart runs` and
 * the durable cost ledger.
 *
 * @example
 * ```ts
 * const agent = createAgent({ machine, models, checkpointer: new SqliteCheckpointer({ path: '.agentchart/runs.db' }) });
 * ```
 */
export class SqliteCheckpointer implements Checkpointer, RunLog {
  /** The database file. */
  readonly path: string;
  /** Whether the store was opened with `readOnly: true`. */
  readonly readOnly: boolean;
  readonly #db: DatabaseSync;
  /** The file's schema version (an older file opened read-only keeps its own). */
  readonly #version: number;
  readonly #chain: CheckpointChain;
  readonly #statements = new Map<SqliteStatementName, StatementSync>();
  readonly #batch: SqliteWriteBatch;
  /** True at the `full` durability: every commit is fsynced (lease writes excepted). */
  readonly #fsyncs: boolean;
  /** Threads this process knows have no wake-up row (their last save had no wake time). */
  readonly #withoutWakeup = new Set<string>();
  readonly #runLog: SqliteRunLog;
  readonly #writesRunLog: boolean;
  /** Throws `storage.moved` once the database file is no longer the one opened. */
  readonly #guardFile: () => void;

  constructor(options: SqliteCheckpointerOptions = {}) {
    // A misspelt option would be ignored: `readonly: true` would open the file for writing.
    checkOptionNames('SqliteCheckpointer', options, sqliteOptionNames);
    const {
      path = '.agentchart/runs.db',
      synchronous = 'full',
      busyTimeoutMs = 5_000,
      verify = false,
      cachedThreads = 256,
      readOnly = false,
      runLog = true,
    } = options;
    checkSqliteOptions({ path, busyTimeoutMs, cachedThreads, readOnly, runLog, verify });
    this.path = path;
    this.readOnly = readOnly;
    const { db, version } = openCheckpointDatabase({
      path,
      synchronous,
      busyTimeoutMs,
      verify,
      readOnly,
    });
    this.#db = db;
    this.#version = version;
    this.#chain = new CheckpointChain(cachedThreads);
    this.#fsyncs = synchronous === 'full';
    const guard = readOnly ? undefined : databaseFileGuard(path);
    this.#guardFile = guard ?? (() => undefined);
    this.#batch = new SqliteWriteBatch(
      db,
      (name) => {
        this.#statement(name).run();
      },
      this.#fsyncs
        ? (relaxed) => {
            this.#statement(relaxed ? 'relaxSync' : 'fullSync').run();
          }
        : undefined,
      guard,
    );
    this.#runLog = new SqliteRunLog(db, version);
    this.#writesRunLog = runLog && version >= runLogSchemaVersion;
  }

  async latest(threadId: string): Promise<Checkpoint | undefined> {
    return this.#guard(threadId, `reading the latest checkpoint of thread "${threadId}"`, () => {
      const head = this.#head(threadId);
      if (head === undefined) return undefined;
      const unreadable: { version: number; reason: string }[] = [];
      let end = head;
      while (end > 0) {
        const rows = this.#rows(threadId, end);
        if (rows.length === 0) break;
        const { last, failure } = decodeChain(rows.map(toStateRow));
        if (failure) {
          for (const row of rows) {
            if (row.version >= failure.version) {
              unreadable.push({
                version: row.version,
                reason:
                  row.version === failure.version
                    ? failure.reason
                    : `follows unreadable version ${failure.version}`,
              });
            }
          }
        }
        if (last) {
          const row = rows.find((item) => item.version === last.version)!;
          const checkpoint = toCheckpoint(threadId, row, last.state);
          if (last.version === head) {
            const full = rows[0]!.state.length;
            const deltas = rows.slice(1).reduce((sum, item) => sum + item.state.length, 0);
            this.#chain.remember(threadId, head, last.state, full, deltas);
            return checkpoint;
          }
          unreadable.sort((a, b) => a.version - b.version);
          // The next write follows the unreadable head: it must not be a delta against it.
          this.#chain.forget(threadId);
          return { ...checkpoint, recovered: { headVersion: head, unreadable } };
        }
        end = rows[0]!.version - 1;
      }
      throw new CheckpointError(
        'checkpoint.corrupt',
        threadId,
        `No checkpoint of thread "${threadId}" in ${this.path} can be read (newest: ${head}; ${unreadable[0]?.reason ?? 'rows missing'}). The thread cannot be resumed; its journal is still readable with agent.journal().`,
      );
    });
  }

  async get(threadId: string, version: number): Promise<Checkpoint | undefined> {
    return this.#guard(threadId, `reading checkpoint ${version} of thread "${threadId}"`, () => {
      const rows = this.#rows(threadId, version);
      if (rows.at(-1)?.version !== version) return undefined;
      const { last, failure } = decodeChain(rows.map(toStateRow));
      if (failure || !last) {
        throw new CheckpointError(
          'checkpoint.corrupt',
          threadId,
          `Checkpoint ${version} of thread "${threadId}" in ${this.path} cannot be read: version ${failure?.version} ${failure?.reason}. Read another version (agent.history() lists them).`,
        );
      }
      return toCheckpoint(threadId, rows.at(-1)!, last.state);
    });
  }

  async save(checkpoint: Checkpoint): Promise<CheckpointWriteResult> {
    return this.saveWithJournal(checkpoint, []);
  }

  async saveWithJournal(
    checkpoint: Checkpoint,
    journal: readonly JournalEntry[],
  ): Promise<CheckpointWriteResult> {
    return this.#save(checkpoint, journal, undefined);
  }

  /**
   * {@link saveWithJournal} with the lease taken before, or given up after, in the same
   * transaction: a run's first and last checkpoints carry its lease, so the lease costs no
   * commit of its own. A take refused rolls the whole write back.
   */
  async saveWithLease(
    checkpoint: Checkpoint,
    journal: readonly JournalEntry[],
    lease: LeaseChange,
  ): Promise<CheckpointWriteResult> {
    if (lease.take) {
      assertLeaseOptions('saveWithLease', { owner: checkpoint.owner!, ...lease.take });
    }
    return this.#save(checkpoint, journal, lease);
  }

  #save(
    checkpoint: Checkpoint,
    journal: readonly JournalEntry[],
    lease: LeaseChange | undefined,
  ): Promise<CheckpointWriteResult> {
    const { threadId, version } = checkpoint;
    const doing = `saving checkpoint ${version} of thread "${threadId}"`;
    this.#assertWritable(doing);
    return this.#write(threadId, doing, () => {
      const owner = checkpoint.owner ?? null;
      if (lease?.take) this.#takeLease(threadId, { owner: owner!, ...lease.take });
      // The head's own compare-and-set refuses a thread erased under it: its entries may
      // create the thread with it.
      for (const entry of journal) this.#insertEffect(entry, owner, { withCheckpoint: true });
      const status = checkpoint.run.status;
      // The statement checks the lease too: one read of it per save, inside the write.
      const moveHead = this.#statement(version === 1 ? 'createHead' : 'advanceHead');
      const { changes } = moveHead.run(threadId, version, owner, status, checkpoint.createdAt);
      if (Number(changes) !== 1) {
        const lease = this.#lease(threadId);
        if (owner !== null && lease && lease.owner !== owner) {
          throw new CheckpointError(
            'checkpoint.conflict',
            threadId,
            fencedMessage(
              threadId,
              `checkpoint ${version}`,
              `run "${lease.owner}" holds its lease`,
            ),
          );
        }
        throw new CheckpointError(
          'checkpoint.conflict',
          threadId,
          conflictMessage(threadId, this.#head(threadId) ?? 0, version),
        );
      }
      // Encoded inside the write, after the checks: a refused save leaves the chain as it was.
      const { encoded, commit } = this.#chain.encode(checkpoint);
      this.#statement('insertCheckpoint').run(
        threadId,
        version,
        checkpoint.machineVersion,
        status,
        checkpoint.createdAt,
        owner,
        encoded.encoding,
        encoded.text,
      );
      this.#saveWakeup(threadId, checkpoint.wakeAt);
      if (lease?.release && owner !== null) this.#statement('releaseLease').run(threadId, owner);
      return {
        value: { bytes: encoded.text.length },
        committed: commit,
        rolledBack: () => {
          this.#chain.forget(threadId);
          // The wake-up row is as it was before this save, which may not be what the set says.
          this.#withoutWakeup.delete(threadId);
        },
      };
    });
  }

  async list(threadId: string): Promise<CheckpointSummary[]> {
    return this.#guard(threadId, `listing the checkpoints of thread "${threadId}"`, () =>
      (
        this.#statement('list').all(threadId) as unknown as (Omit<
          CheckpointRow,
          'state' | 'owner' | 'encoding'
        > & { bytes: number })[]
      ).map((row) => ({
        threadId,
        version: row.version,
        machineVersion: row.machine_version,
        status: row.status as RunStatus,
        createdAt: row.created_at,
        bytes: row.bytes,
      })),
    );
  }

  async getEffect(threadId: string, key: string): Promise<JournalEntry | undefined> {
    return this.#guard(threadId, `reading effect "${key}" of thread "${threadId}"`, () => {
      const row = this.#statement('getEffect').get(threadId, key) as EffectRow | undefined;
      return row && toEntry(row, this.path);
    });
  }

  async putEffect(
    entry: JournalEntry,
    { owner, durable = true }: PutEffectOptions = {},
  ): Promise<void> {
    const doing = `recording effect "${entry.key}" (${entry.status}) of thread "${entry.threadId}"`;
    this.#assertWritable(doing);
    return this.#write(
      entry.threadId,
      doing,
      () => {
        this.#insertEffect(entry, owner ?? null, { withCheckpoint: false });
        return { value: undefined };
      },
      durable,
    );
  }

  /** {@link putEffect} for several entries, in one transaction: all of them, or none. */
  async putEffects(
    entries: readonly JournalEntry[],
    { owner, durable = true }: PutEffectOptions = {},
  ): Promise<void> {
    const first = entries[0];
    if (!first) return;
    const doing = `recording ${entries.length} effects of thread "${first.threadId}"`;
    this.#assertWritable(doing);
    return this.#write(
      first.threadId,
      doing,
      () => {
        for (const entry of entries) {
          this.#insertEffect(entry, owner ?? null, { withCheckpoint: false });
        }
        return { value: undefined };
      },
      durable,
    );
  }

  /**
   * Inserts or updates an effect's row, fenced on `owner` in the statement itself; written
   * without a checkpoint, refused on a thread with neither lease nor head (erased, ADR 0084).
   */
  #insertEffect(
    entry: JournalEntry,
    owner: string | null,
    { withCheckpoint }: { withCheckpoint: boolean },
  ): void {
    const json = (value: unknown): SQLInputValue =>
      value === undefined ? null : JSON.stringify(value);
    const { changes } = this.#statement('putEffect').run(
      entry.threadId,
      entry.key,
      entry.site,
      entry.kind,
      entry.effect,
      entry.name,
      entry.status,
      entry.startedAt,
      entry.finishedAt ?? null,
      json(entry.input),
      json(entry.output),
      json(entry.error),
      json(entry.meta),
      owner,
      withCheckpoint ? 1 : 0,
    );
    if (Number(changes) === 0) {
      const lease = this.#lease(entry.threadId);
      const head = lease ? undefined : this.#head(entry.threadId);
      const write = `effect "${entry.key}"`;
      throw new CheckpointError(
        'checkpoint.conflict',
        entry.threadId,
        lease || head !== undefined
          ? fencedMessage(
              entry.threadId,
              write,
              lease
                ? `run "${lease.owner}" holds its lease`
                : `its checkpoint ${head} names another owner`,
            )
          : absentMessage(entry.threadId, write),
      );
    }
    // In the same transaction as its journal row: both are written, or neither.
    if (this.#writesRunLog) this.#runLog.put(entry);
  }

  async listEffects(threadId: string): Promise<JournalEntry[]> {
    return this.#guard(threadId, `reading the journal of thread "${threadId}"`, () =>
      (this.#statement('listEffects').all(threadId) as unknown as EffectRow[]).map((row) =>
        toEntry(row, this.path),
      ),
    );
  }

  /** Run log rows (table `effect_log`) matching `filter`, in the order their steps started. */
  async listEffectLog(filter: EffectLogFilter = {}): Promise<EffectLogRow[]> {
    return this.#guard(filter.threadId ?? '', 'reading the run log', () =>
      this.#runLog.listEffectLog(filter),
    );
  }

  /** Threads matching `filter` with their run log's totals, the most recently updated first. */
  async listRuns(filter: RunFilter = {}): Promise<RunSummary[]> {
    return this.#guard('', 'listing the runs', () => this.#runLog.listRuns(filter));
  }

  /** Cost totals of the run log's completed model calls, per group (see {@link RunLog}). */
  async summariseCost(
    filter: CostFilter = {},
    by?: CostGroupKey,
  ): Promise<Map<string, CostSummary>> {
    return this.#guard(filter.threadId ?? '', 'summing the run log', () =>
      this.#runLog.summariseCost(filter, by),
    );
  }

  async acquireLease(threadId: string, options: AcquireLeaseOptions): Promise<ThreadLease> {
    assertLeaseOptions('acquireLease', options);
    const doing = `taking the lease on thread "${threadId}"`;
    this.#assertWritable(doing);
    return this.#leaseWrite(threadId, doing, () => this.#takeLease(threadId, options));
  }

  /** Takes the lease inside a write; throws `checkpoint.lease_held` when it is refused. */
  #takeLease(
    threadId: string,
    { owner, ttlMs, now, force = false, takeOverFrom }: AcquireLeaseOptions,
  ): ThreadLease {
    const taken = this.#statement('acquireLease').get(
      threadId,
      owner,
      now + ttlMs,
      now,
      force ? 1 : 0,
      takeOverFrom ?? null,
    ) as { owner: string; expires_at: number } | undefined;
    if (taken) return { threadId, owner: taken.owner, expiresAt: taken.expires_at };
    // Read after the refusal only to name the holder; the decision was the statement's.
    const holder = this.#lease(threadId) ?? { owner: 'unknown', expiresAt: now };
    throw CheckpointError.leaseHeld(threadId, holder, now, takeOverFrom ?? undefined);
  }

  async renewLease(threadId: string, options: RenewLeaseOptions): Promise<boolean> {
    assertLeaseOptions('renewLease', options);
    const doing = `renewing the lease on thread "${threadId}"`;
    this.#assertWritable(doing);
    return this.#leaseWrite(threadId, doing, () => {
      const { owner, ttlMs, now } = options;
      const { changes } = this.#statement('renewLease').run(threadId, owner, now + ttlMs);
      return Number(changes) === 1;
    });
  }

  async renewLeases(
    leases: readonly LeaseToRenew[],
    { ttlMs, now }: RenewLeasesOptions,
  ): Promise<string[]> {
    for (const { owner } of leases) assertLeaseOptions('renewLeases', { owner, ttlMs, now });
    if (leases.length === 0) return [];
    const doing = `renewing the leases on ${leases.length} threads`;
    this.#assertWritable(doing);
    const pairs = JSON.stringify(leases.map(({ threadId, owner }) => [threadId, owner]));
    return this.#leaseWrite('', doing, () =>
      (this.#statement('renewLeases').all(pairs, now + ttlMs) as { thread_id: string }[]).map(
        (row) => row.thread_id,
      ),
    );
  }

  async releaseLease(threadId: string, owner: string): Promise<void> {
    const doing = `releasing the lease on thread "${threadId}"`;
    this.#assertWritable(doing);
    await this.#leaseWrite(threadId, doing, () => {
      this.#statement('releaseLease').run(threadId, owner);
    });
  }

  async getLease(threadId: string): Promise<ThreadLease | undefined> {
    return this.#guard(threadId, `reading the lease on thread "${threadId}"`, () => {
      const lease = this.#lease(threadId);
      return lease && { threadId, ...lease };
    });
  }

  release(threadId: string): void {
    this.#chain.forget(threadId);
  }

  async listDue(options: ListDueOptions): Promise<DueThread[]> {
    checkListDueOptions(options);
    const { now, limit } = options;
    if (this.#version < wakeupsSchemaVersion) {
      // Opened read-only, a file from before the wake-time index is left as it is: answering
      // "nothing due" would be wrong, and SQLite's "no such table" says nothing useful.
      throw new CheckpointError(
        'checkpoint.unsupported_schema',
        '',
        `The checkpoint database ${this.path} has schema version ${this.#version}, from before waiting threads' wake times were indexed, and was opened read-only, so they cannot be listed. Open it once without readOnly (it is upgraded, and each waiting thread's next deadline or timer filled in), then list the due threads.`,
      );
    }
    return this.#guard('', 'listing the threads due to wake', () =>
      (this.#statement('due').all(now, limit) as { thread_id: string; wake_at: number }[]).map(
        (row) => ({ threadId: row.thread_id, wakeAt: row.wake_at }),
      ),
    );
  }

  async prune(options: PruneOptions): Promise<PruneResult> {
    this.#assertWritable('pruning ended threads');
    return pruneInBatches(options, {
      select: (statuses, before, limit, from) =>
        this.#guard('', 'pruning ended threads', () =>
          (
            this.#statement('prunable').all(statuses, before, limit, from) as {
              thread_id: string;
              updated_at: number;
            }[]
          ).map((row) => ({ threadId: row.thread_id, updatedAt: row.updated_at })),
        ),
      remove: (threadIds) =>
        this.#guard('', 'pruning ended threads', () => {
          const ids = JSON.stringify(threadIds);
          this.#guardFile();
          this.#statement('begin').run();
          try {
            const effects = Number(this.#statement('pruneEffects').run(ids).changes);
            const checkpoints = Number(this.#statement('pruneCheckpoints').run(ids).changes);
            this.#statement('pruneLeases').run(ids);
            this.#statement('pruneWakeups').run(ids);
            const threads = Number(this.#statement('pruneThreads').run(ids).changes);
            this.#statement('commit').run();
            for (const threadId of threadIds) this.#chain.forget(threadId);
            return { threads, checkpoints, effects };
          } catch (error) {
            rollbackQuietly(this.#db);
            throw error;
          }
        }),
    });
  }

  /**
   * Deletes threads entirely, with their child agents' threads (see {@link Checkpointer.erase}):
   * each batch one transaction, refused while a run holds one of their leases.
   */
  async erase(threadIds: readonly string[], options: EraseOptions = {}): Promise<EraseResult> {
    const doing = 'erasing threads';
    if (!options.dryRun) this.#assertWritable(doing);
    const rows = <T>(name: SqliteStatementName, ...values: SQLInputValue[]) =>
      this.#guard('', doing, () => this.#statement(name).all(...values) as unknown as T[]);
    return eraseInBatches(threadIds, options, {
      under: (ids) =>
        rows<{ thread_id: string }>('threadsUnder', JSON.stringify(ids)).map(
          (row) => row.thread_id,
        ),
      liveLeases: (ids, now) =>
        rows<{ thread_id: string; owner: string; expires_at: number }>(
          'liveLeases',
          JSON.stringify(ids),
          now,
        ).map((row) => ({ threadId: row.thread_id, owner: row.owner, expiresAt: row.expires_at })),
      count: (ids) => {
        const [row] = rows<ErasedRows>('countErasable', JSON.stringify(ids));
        return { threads: row!.threads, checkpoints: row!.checkpoints, effects: row!.effects };
      },
      remove: (ids, now) =>
        this.#guard('', doing, () => {
          const list = JSON.stringify(ids);
          this.#guardFile();
          this.#statement('begin').run();
          try {
            // Read inside the write: a run that took a lease since the caller looked is seen.
            const live = this.#statement('liveLeases').all(list, now) as {
              thread_id: string;
              owner: string;
              expires_at: number;
            }[];
            if (live.length > 0) {
              throw liveLeaseError(
                live.map((row) => ({
                  threadId: row.thread_id,
                  owner: row.owner,
                  expiresAt: row.expires_at,
                })),
                now,
              );
            }
            const effects = Number(this.#statement('pruneEffects').run(list).changes);
            this.#statement('eraseEffectLog').run(list);
            const checkpoints = Number(this.#statement('pruneCheckpoints').run(list).changes);
            this.#statement('pruneLeases').run(list);
            this.#statement('pruneWakeups').run(list);
            const threads = Number(this.#statement('pruneThreads').run(list).changes);
            this.#statement('commit').run();
            for (const threadId of ids) this.#chain.forget(threadId);
            return { threads, checkpoints, effects };
          } catch (error) {
            rollbackQuietly(this.#db);
            throw error;
          }
        }),
    });
  }

  /**
   * The threads of `tenantId` (see {@link Checkpointer.listTenantThreads}): every thread is
   * read, a page of `batchSize` at a time by its key, its newest full state looked up by the
   * checkpoints' key; the run log's tenant index adds threads charged to the tenant.
   */
  async listTenantThreads(
    tenantId: string,
    options: ListTenantThreadsOptions = {},
  ): Promise<string[]> {
    return listTenantThreadsInPages(tenantId, options, {
      page: (after, limit) =>
        this.#guard('', `listing the threads of tenant "${tenantId}"`, () => {
          const page = (
            this.#statement('threadsAfter').all(after, limit) as { thread_id: string }[]
          ).map((row) => row.thread_id);
          const matching = (
            this.#statement('tenantOfThreads').all(JSON.stringify(page), tenantId) as {
              thread_id: string;
            }[]
          ).map((row) => row.thread_id);
          return { page, matching };
        }),
      charged: () =>
        this.#version < runLogSchemaVersion
          ? []
          : this.#guard('', `listing the threads of tenant "${tenantId}"`, () =>
              (this.#statement('threadsChargedTo').all(tenantId) as { thread_id: string }[]).map(
                (row) => row.thread_id,
              ),
            ),
    });
  }

  /** Threads in the store, least recently updated first; e.g. every `waiting` one after a restart. */
  async listThreads(options: ListThreadsOptions = {}): Promise<StoredThread[]> {
    checkListThreadsOptions(options);
    const { status } = options;
    return this.#guard('', 'listing the threads', () => {
      const rows = (status === undefined
        ? this.#statement('threads').all()
        : status === 'running'
          ? this.#statement('runningThreads').all()
          : this.#statement('threadsByStatus').all(status)) as unknown as {
        thread_id: string;
        version: number;
        status: string;
        updated_at: number;
      }[];
      return rows.map((row) => ({
        threadId: row.thread_id,
        version: row.version,
        status: row.status as RunStatus,
        updatedAt: row.updated_at,
      }));
    });
  }

  /** Closes the database; the checkpointer cannot be used after. */
  close(): void {
    if (!this.#db.isOpen) return;
    // Writes queued in this turn (a lease given up as a run ended, say) are committed first.
    this.#batch.flushNow();
    this.#db.close();
  }

  #statement(name: SqliteStatementName): StatementSync {
    let statement = this.#statements.get(name);
    if (!statement) {
      statement = this.#db.prepare(sql[name]);
      this.#statements.set(name, statement);
    }
    return statement;
  }

  /**
   * Keeps the thread's wake-up row in step with its newest checkpoint. A thread known to
   * have none is not written again, so a step without timers costs no extra statement.
   */
  #saveWakeup(threadId: string, wakeAt: number | undefined): void {
    if (wakeAt !== undefined) {
      this.#statement('setWakeup').run(threadId, wakeAt);
      this.#withoutWakeup.delete(threadId);
      return;
    }
    if (this.#withoutWakeup.has(threadId)) return;
    this.#statement('clearWakeup').run(threadId);
    if (this.#withoutWakeup.size >= 10_000) this.#withoutWakeup.clear();
    this.#withoutWakeup.add(threadId);
  }

  #head(threadId: string): number | undefined {
    return (this.#statement('head').get(threadId) as { version: number } | undefined)?.version;
  }

  #lease(threadId: string): { owner: string; expiresAt: number } | undefined {
    // A version-1 file (opened read-only, so never migrated) has no leases table.
    if (this.#version < 2) return undefined;
    const row = this.#statement('lease').get(threadId) as
      | { owner: string; expires_at: number }
      | undefined;
    return row && { owner: row.owner, expiresAt: row.expires_at };
  }

  #rows(threadId: string, version: number): CheckpointRow[] {
    return this.#statement('chain').all(threadId, version) as unknown as CheckpointRow[];
  }

  #assertWritable(doing: string): void {
    if (!this.readOnly) return;
    throw new StorageError(
      'storage.read_only',
      this.path,
      `${this.path} was opened with { readOnly: true }, so ${doing} was refused and nothing was written. Open it without readOnly to write to it.`,
    );
  }

  /** Runs `write` in this turn's group commit (see {@link SqliteWriteBatch}). */
  #write<T>(
    threadId: string,
    doing: string,
    write: () => BatchedWrite<T>,
    durable = true,
  ): Promise<T> {
    const context: FailureContext = { path: this.path, doing, ...(threadId ? { threadId } : {}) };
    return this.#batch.enqueue(write, (error) => toStoreError(error, context), durable);
  }

  /**
   * A lease write, in this turn's group commit with the other writes made at the same time
   * (runs starting or ending together take and give up their leases in one transaction, not
   * one commit each), and not durable on its own even at the `full` durability: a lease lost
   * with the machine's power goes with the process that held it, and the next fsynced commit
   * (in WAL mode, of the whole log) makes it durable anyway. So a run's lease costs no durable
   * commit of its own: only its macrosteps do.
   */
  #leaseWrite<T>(threadId: string, doing: string, action: () => T): Promise<T> {
    return this.#write(threadId, doing, () => ({ value: action() }), false);
  }

  #guard<T>(threadId: string, doing: string, action: () => T): T {
    const context: FailureContext = { path: this.path, doing, ...(threadId ? { threadId } : {}) };
    return guardDatabase(context, action);
  }
}

/** The options a `SqliteCheckpointer` reads; any other name is a misspelling. */
const sqliteOptionNames = optionNamesOf<SqliteCheckpointerOptions>({
  path: true,
  synchronous: true,
  busyTimeoutMs: true,
  verify: true,
  cachedThreads: true,
  readOnly: true,
  runLog: true,
});

/** Refuses options of a store that make no sense, before the file is opened. */
function checkSqliteOptions({
  path,
  busyTimeoutMs,
  cachedThreads,
  ...flags
}: Required<
  Pick<
    SqliteCheckpointerOptions,
    'path' | 'busyTimeoutMs' | 'cachedThreads' | 'readOnly' | 'runLog' | 'verify'
  >
>): void {
  // `readOnly: 'false'` opened the file read-only, and every write failed after.
  for (const [name, value] of Object.entries(flags)) {
    if (typeof value === 'boolean') continue;
    throw new DefinitionError(
      'definition.invalid_option',
      `SqliteCheckpointer: ${name} must be true or false, got ${describeValue(value)}.`,
    );
  }
  if (typeof path !== 'string' || path.length === 0) {
    throw new DefinitionError(
      'definition.invalid_option',
      `SqliteCheckpointer: path must be the database file's path, such as '.agentchart/runs.db' (':memory:' for a database gone with the process), got ${JSON.stringify(path) ?? String(path)}.`,
    );
  }
  validateNumberOption('SqliteCheckpointer', 'busyTimeoutMs', busyTimeoutMs, {
    min: 0,
    max: 2_147_483_647,
    integer: true,
    expected: "a whole number of milliseconds to wait for another process's write lock, 0 or more",
  });
  validateNumberOption('SqliteCheckpointer', 'cachedThreads', cachedThreads, {
    min: 0,
    max: Number.MAX_SAFE_INTEGER,
    integer: true,
    expected: 'a whole number of threads at rest whose last state is kept for deltas, 0 or more',
  });
}
