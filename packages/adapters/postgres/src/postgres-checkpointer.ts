import { createHash } from 'node:crypto';
import {
  type AcquireLeaseOptions,
  type Checkpoint,
  CheckpointError,
  type Checkpointer,
  type CheckpointSummary,
  type CheckpointWriteResult,
  type CostFilter,
  type CostGroupKey,
  type CostSummary,
  DefinitionError,
  type DueThread,
  type EffectLogFilter,
  type EffectLogRow,
  type EraseOptions,
  type EraseResult,
  type JournalEntry,
  type LeaseChange,
  type LeaseToRenew,
  type ListDueOptions,
  type ListTenantThreadsOptions,
  type ListThreadsOptions,
  type PruneOptions,
  type PruneResult,
  type PutEffectOptions,
  type RenewLeaseOptions,
  type RenewLeasesOptions,
  type RunFilter,
  type RunLog,
  type RunStatus,
  type RunSummary,
  StorageError,
  type StoredThread,
  type ThreadLease,
} from '@agentchart/core';
import {
  absentMessage,
  checkListDueOptions,
  checkListThreadsOptions,
  checkOptionNames,
  conflictMessage,
  describeValue,
  fencedMessage,
} from '@agentchart/core/internal';
import pg from 'pg';
import { assertOwnTables, type OwnTable } from './assert-own-tables';
import { checkConnectionString, checkCount, checkSchemaName } from './check-postgres-options';
import { type OwnedClients, ownedClients } from './owned-clients';
import { createRunLogTable, PostgresRunLog, runLogUpsert, runLogValues } from './postgres-run-log';
import { describeServer, storageFailure } from './postgres-storage-error';
import {
  type ClaimDueOptions,
  claimDueThreads,
  createThreadPrefixIndex,
  createThreadsTable,
  eraseThreads,
  hasThreadPrefixIndex,
  listDueThreads,
  listOrphanedThreads,
  listStoredThreads,
  listThreadsOfTenant,
  type PostgresTables,
  pruneThreads,
} from './postgres-threads';
import { runAgainIfEndedForAnother } from './run-again';
import { inTransaction, withConnection, withTransaction } from './with-connection';

/** Options of {@link PostgresCheckpointer}: a connection string (it owns its pool) or a pool. */
export type PostgresCheckpointerOptions = (
  | {
      /** `postgres://user@host:port/database`; the checkpointer opens and closes its own pool. */
      connectionString: string;
      pool?: undefined;
      /** Connections of the pool it opens. Default: 10 (pg's default). */
      max?: number | undefined;
      /**
       * The longest the pool it opens waits for the server: for a connection (a free one of
       * the pool's, or a new one) and for the answer to one statement. A server that hangs or
       * a network that drops packets then fails the call with a `StorageError`
       * (`storage.unavailable` or `storage.timeout`) instead of holding the run, and
       * `agent.close()`, forever. Default 30 000. Limits on the server's side
       * (`statement_timeout`) are set on the server or in the URL.
       */
      queryTimeoutMs?: number | undefined;
    }
  | {
      /** A pool the caller owns: {@link PostgresCheckpointer.close} leaves it open. */
      pool: pg.Pool;
      connectionString?: undefined;
      /** Only with `connectionString`: set it on the pool you own. */
      max?: undefined;
      /** Only with `connectionString`: set `query_timeout` on the pool you own. */
      queryTimeoutMs?: undefined;
    }
) & {
  /** The schema holding the tables, created if missing. Default: `public`. */
  schema?: string | undefined;
  /**
   * Create the schema and tables when they are missing. `false` for a tool that only looks at
   * what agents stored (the CLI's `runs`, `show`, `waits`): pointed at the wrong database or
   * schema, it fails with `storage.not_found` instead of creating agentchart's tables there.
   * Default: true.
   */
  createTables?: boolean | undefined;
};

/** A stored checkpoint row, as `pg` returns it. */
interface CheckpointRow {
  version: number;
  machine_version: string;
  status: RunStatus;
  created_at: number;
  bytes: number;
  state: string;
}

/** Where a statement runs: any connection of the pool, or one holding a transaction. */
type Session = pg.Pool | pg.PoolClient;

/** What a save is doing, for its errors. */
function savingWhat({ threadId, version }: Checkpoint): string {
  return `saving checkpoint ${version} of thread "${threadId}"`;
}

/** A journal write without a checkpoint: refused on a thread erased under it (ADR 0084). */
const journalOnly = { withCheckpoint: false };

/** Double-quotes an SQL identifier. */
function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * Checkpoints and the effect journal in PostgreSQL, shared by any number of processes.
 * Tables, created on first use: `agentchart_checkpoints` (one row per checkpoint, primary
 * key `(thread_id, version)`), `agentchart_effects` (one row per journal entry, primary key
 * `(thread_id, key)`), `agentchart_leases` (who owns a thread, until when),
 * `agentchart_threads` (each thread's newest version, status and wake time, indexed for
 * schedulers, listing and retention; moved by the same statement as the checkpoint) and the
 * run log `effect_log` (one typed row per journal entry, written by the same statement as the
 * entry; see {@link PostgresCheckpointer.listEffectLog}).
 *
 * A save is one statement that compare-and-sets the thread's version: it inserts version N
 * only while the thread's newest version is N - 1, and the primary key decides between two
 * writers racing for the same N, so exactly one of them wins and the other gets
 * `checkpoint.conflict`. A lease is taken by one conditional upsert. Writes are fenced: a
 * leased thread takes journal writes and owned checkpoints from its lease's holder only (the
 * write locks the lease row, so a takeover waits for it and then sees it), a thread never
 * leased from the owner of its newest checkpoint, as in every store.
 *
 * A step is one transaction: its checkpoint with the journal results its effects finished
 * (`saveWithJournal`), with the thread's lease taken or given up in a run's first and last
 * (`saveWithLease`); an intent goes with the results held before it (`putEffects`). A refusal
 * rolls the whole transaction back.
 *
 * Each checkpoint stores its full state as JSON text: the deltas against the previous
 * checkpoint are the SQLite store's; here PostgreSQL's TOAST compresses large states.
 *
 * @example
 * ```ts
 * const checkpointer = new PostgresCheckpointer({ connectionString: process.env.DATABASE_URL! });
 * const agent = createAgent({ machine, models, checkpointer });
 * // on shutdown
 * await checkpointer.close();
 * ```
 */
export class PostgresCheckpointer implements Checkpointer, RunLog {
  readonly #pool: pg.Pool;
  readonly #ownsPool: boolean;
  /** The clients of the pool it opened; none for a pool the caller owns. */
  readonly #clients: OwnedClients | undefined;
  readonly #checkpoints: string;
  readonly #effects: string;
  readonly #leases: string;
  readonly #tables: PostgresTables;
  readonly #log: string;
  readonly #runLog: PostgresRunLog;
  readonly #schema: string | undefined;
  readonly #createsTables: boolean;
  /** Tells apart the prepared statements of checkpointers on other schemas sharing a pool. */
  readonly #statementTag: string;
  /** The server and database, for messages (no password). */
  readonly #server: string;
  #ready: Promise<void> | undefined;

  constructor(options: PostgresCheckpointerOptions) {
    if (typeof options !== 'object' || options === null) {
      throw new DefinitionError(
        'definition.invalid_option',
        `PostgresCheckpointer: give { connectionString: 'postgres://…' } or { pool }, got ${describeValue(options)}.`,
      );
    }
    // A misspelt option would be ignored: `schema` misspelt would write to another schema.
    checkOptionNames('PostgresCheckpointer', options, [
      'connectionString',
      'createTables',
      'max',
      'pool',
      'queryTimeoutMs',
      'schema',
    ]);
    if (options.createTables !== undefined && typeof options.createTables !== 'boolean') {
      throw new DefinitionError(
        'definition.invalid_option',
        `PostgresCheckpointer: createTables is ${describeValue(options.createTables)}. Give true (the default: create missing tables) or false (fail instead).`,
      );
    }
    // An option given as `undefined` is one left out: `{ pool, max: undefined }` is a pool.
    if ((options.pool === undefined) === (options.connectionString === undefined)) {
      throw new DefinitionError(
        'definition.invalid_option',
        'PostgresCheckpointer: give either connectionString (it opens and closes its own pool) or pool (one you own), not both nor neither.',
      );
    }
    if (options.schema !== undefined) {
      checkSchemaName('PostgresCheckpointer', 'schema', options.schema);
    }
    if (options.pool !== undefined) {
      const { pool } = options;
      if (typeof (pool as Partial<pg.Pool> | null)?.connect !== 'function') {
        throw new DefinitionError(
          'definition.invalid_option',
          `PostgresCheckpointer: pool is ${describeValue(pool)}. Give a pg.Pool you own, or a connectionString for one the store opens.`,
        );
      }
      for (const name of ['max', 'queryTimeoutMs'] as const) {
        // They shape a pool the store opens: a pool given is the caller's, as it was made.
        if (options[name] !== undefined) {
          throw new DefinitionError(
            'definition.invalid_option',
            `PostgresCheckpointer: ${name} applies to the pool the store opens from a connectionString; with a pool of your own it would be ignored. Set it on that pool (new pg.Pool({ max, query_timeout })).`,
          );
        }
      }
      this.#pool = pool;
      this.#ownsPool = false;
      this.#clients = undefined;
    } else {
      const { queryTimeoutMs = 30_000 } = options;
      checkConnectionString('PostgresCheckpointer', options.connectionString);
      // Past 2^31 - 1 ms a timer fires at once: every query would time out.
      if (
        !Number.isFinite(queryTimeoutMs) ||
        queryTimeoutMs <= 0 ||
        queryTimeoutMs > 2_147_483_647
      ) {
        throw new DefinitionError(
          'definition.invalid_option',
          `PostgresCheckpointer: queryTimeoutMs must be a positive number of milliseconds up to 2147483647, got ${describeValue(queryTimeoutMs)}.`,
        );
      }
      // A pool of -1 connections hung every call until its timeout.
      if (options.max !== undefined) {
        checkCount('PostgresCheckpointer', 'max', options.max, 1, 'connections');
      }
      this.#clients = ownedClients();
      this.#pool = new pg.Pool({
        connectionString: options.connectionString,
        Client: this.#clients.Client,
        ...(options.max === undefined ? {} : { max: options.max }),
        // Without these a hung server holds every call on it, and so every run, forever.
        query_timeout: queryTimeoutMs,
        connectionTimeoutMillis: queryTimeoutMs,
        keepAlive: true,
        // An idle connection does not keep the process alive, as no timer of a resting run
        // does: a script whose runs all rest waiting exits by itself. Without it the pool's
        // idle connections held it 10 s, and for ever with `evictWaiting: false`, where the
        // lease heartbeat used a connection every 10 s, before the pool's idle timeout.
        // A statement in flight still holds the process (a checked-out connection is ref'd).
        allowExitOnIdle: true,
      });
      // An idle connection the server closes (a restart, a failover) is an 'error' event on
      // the pool; unheard, it would crash the process. The pool drops that connection and the
      // next query opens a new one, so there is nothing more to do here.
      this.#pool.on('error', () => undefined);
      this.#ownsPool = true;
    }
    this.#schema = options.schema;
    this.#createsTables = options.createTables ?? true;
    const prefix = options.schema === undefined ? '' : `${quoteIdentifier(options.schema)}.`;
    this.#checkpoints = `${prefix}agentchart_checkpoints`;
    this.#effects = `${prefix}agentchart_effects`;
    this.#leases = `${prefix}agentchart_leases`;
    this.#tables = {
      checkpoints: this.#checkpoints,
      effects: this.#effects,
      leases: this.#leases,
      threads: `${prefix}agentchart_threads`,
    };
    this.#log = `${prefix}effect_log`;
    this.#runLog = new PostgresRunLog(this.#pool, {
      log: this.#log,
      effects: this.#effects,
      threads: this.#tables.threads,
    });
    this.#statementTag = createHash('sha256').update(prefix).digest('hex').slice(0, 16);
    this.#server = describeServer(this.#pool);
  }

  async latest(threadId: string): Promise<Checkpoint | undefined> {
    return this.#guard(`reading the newest checkpoint of thread "${threadId}"`, async () => {
      await this.#ensureTables();
      const { rows } = await this.#pool.query<Pick<CheckpointRow, 'version' | 'state'>>(
        `SELECT version, state FROM ${this.#checkpoints} WHERE thread_id = $1 ORDER BY version DESC LIMIT 1`,
        [threadId],
      );
      const head = rows[0];
      if (!head) return undefined;
      const parsed = parseState(head.state);
      if (parsed.ok) return parsed.value;
      // The newest row cannot be read: walk back to the last one that can.
      const all = await this.#pool.query<Pick<CheckpointRow, 'version' | 'state'>>(
        `SELECT version, state FROM ${this.#checkpoints} WHERE thread_id = $1 ORDER BY version DESC`,
        [threadId],
      );
      const unreadable: { version: number; reason: string }[] = [];
      for (const row of all.rows) {
        const item = parseState(row.state);
        if (item.ok) {
          unreadable.sort((a, b) => a.version - b.version);
          return { ...item.value, recovered: { headVersion: head.version, unreadable } };
        }
        unreadable.push({ version: row.version, reason: item.reason });
      }
      throw new CheckpointError(
        'checkpoint.corrupt',
        threadId,
        `No checkpoint of thread "${threadId}" in PostgreSQL can be read (newest: ${head.version}; ${parsed.reason}). The thread cannot be resumed; its journal is still readable with agent.journal().`,
      );
    });
  }

  async get(threadId: string, version: number): Promise<Checkpoint | undefined> {
    return this.#guard(`reading checkpoint ${version} of thread "${threadId}"`, async () => {
      await this.#ensureTables();
      const { rows } = await this.#pool.query<Pick<CheckpointRow, 'state'>>(
        `SELECT state FROM ${this.#checkpoints} WHERE thread_id = $1 AND version = $2`,
        [threadId, version],
      );
      const row = rows[0];
      if (!row) return undefined;
      const parsed = parseState(row.state);
      if (parsed.ok) return parsed.value;
      throw new CheckpointError(
        'checkpoint.corrupt',
        threadId,
        `Checkpoint ${version} of thread "${threadId}" in PostgreSQL cannot be read: ${parsed.reason}. Read another version (agent.history() lists them).`,
      );
    });
  }

  async save(checkpoint: Checkpoint): Promise<CheckpointWriteResult> {
    return this.#guard(savingWhat(checkpoint), async () => {
      await this.#ensureTables();
      return this.#insertCheckpoint(this.#pool, checkpoint);
    });
  }

  /**
   * Saves `checkpoint` and writes `journal` in one transaction: all of it, or none. The
   * entries are fenced on `checkpoint.owner`, as {@link putEffect} fences them. A run hands
   * its macrostep's finished effects to that macrostep's checkpoint, so a step costs one
   * commit, not one per result and one more for the checkpoint.
   */
  async saveWithJournal(
    checkpoint: Checkpoint,
    journal: readonly JournalEntry[],
  ): Promise<CheckpointWriteResult> {
    return this.#saveInTransaction(checkpoint, journal, {});
  }

  /**
   * {@link saveWithJournal} with the lease taken before, or given up after, in the same
   * transaction: a run's first and last checkpoints carry its lease, so the lease costs no
   * commit of its own. A take that another owner's live lease refuses rolls the whole write
   * back, with `checkpoint.lease_held`.
   */
  async saveWithLease(
    checkpoint: Checkpoint,
    journal: readonly JournalEntry[],
    lease: LeaseChange,
  ): Promise<CheckpointWriteResult> {
    if (lease.take) {
      assertLease('saveWithLease', { ...lease.take, owner: checkpoint.owner as string });
    }
    return this.#saveInTransaction(checkpoint, journal, lease);
  }

  async list(threadId: string): Promise<CheckpointSummary[]> {
    return this.#guard(`listing the checkpoints of thread "${threadId}"`, async () => {
      await this.#ensureTables();
      const { rows } = await this.#pool.query<Omit<CheckpointRow, 'state'>>(
        `SELECT version, machine_version, status, created_at, octet_length(state) AS bytes
       FROM ${this.#checkpoints} WHERE thread_id = $1 ORDER BY version`,
        [threadId],
      );
      return rows.map((row) => ({
        threadId,
        version: row.version,
        machineVersion: row.machine_version,
        status: row.status,
        createdAt: row.created_at,
        bytes: row.bytes,
      }));
    });
  }

  async getEffect(threadId: string, key: string): Promise<JournalEntry | undefined> {
    return this.#guard(`reading journal entry "${key}" of thread "${threadId}"`, async () => {
      await this.#ensureTables();
      const { rows } = await this.#pool.query<{ entry: string }>(
        `SELECT entry FROM ${this.#effects} WHERE thread_id = $1 AND key = $2`,
        [threadId, key],
      );
      return rows[0] && JSON.parse(rows[0].entry);
    });
  }

  async putEffect(entry: JournalEntry, { owner }: PutEffectOptions = {}): Promise<void> {
    return this.#guard(
      `writing journal entry "${entry.key}" of thread "${entry.threadId}"`,
      async () => {
        await this.#ensureTables();
        await this.#insertEffect(this.#pool, entry, owner, journalOnly);
      },
    );
  }

  /** {@link putEffect} for several entries, in one transaction: all of them, or none. */
  async putEffects(
    entries: readonly JournalEntry[],
    { owner }: PutEffectOptions = {},
  ): Promise<void> {
    const first = entries[0];
    if (!first) return;
    return this.#guard(
      `writing ${entries.length} journal entries of thread "${first.threadId}"`,
      async () => {
        await this.#ensureTables();
        if (entries.length === 1) return this.#insertEffect(this.#pool, first, owner, journalOnly);
        await withTransaction(this.#pool, async (client) => {
          for (const entry of entries) await this.#insertEffect(client, entry, owner, journalOnly);
        });
      },
    );
  }

  async listEffects(threadId: string): Promise<JournalEntry[]> {
    return this.#guard(`reading the journal of thread "${threadId}"`, async () => {
      await this.#ensureTables();
      const { rows } = await this.#pool.query<{ entry: string }>(
        `SELECT entry FROM ${this.#effects} WHERE thread_id = $1 ORDER BY seq`,
        [threadId],
      );
      return rows.map((row) => JSON.parse(row.entry));
    });
  }

  /** Run log rows (table `effect_log`) matching `filter`, in the order their steps started. */
  async listEffectLog(filter: EffectLogFilter = {}): Promise<EffectLogRow[]> {
    return this.#guard('reading the run log', async () => {
      await this.#ensureTables();
      return this.#runLog.listEffectLog(filter);
    });
  }

  /** Threads matching `filter` with their run log's totals, the most recently updated first. */
  async listRuns(filter: RunFilter = {}): Promise<RunSummary[]> {
    return this.#guard('listing runs', async () => {
      await this.#ensureTables();
      return this.#runLog.listRuns(filter);
    });
  }

  /** Cost totals of the run log's completed model calls, per group (see `RunLog`). */
  async summariseCost(
    filter: CostFilter = {},
    by?: CostGroupKey,
  ): Promise<Map<string, CostSummary>> {
    return this.#guard('summing costs', async () => {
      await this.#ensureTables();
      return this.#runLog.summariseCost(filter, by);
    });
  }

  async acquireLease(threadId: string, options: AcquireLeaseOptions): Promise<ThreadLease> {
    return this.#guard(`taking the lease of thread "${threadId}"`, async () => {
      assertLease('acquireLease', options);
      await this.#ensureTables();
      return this.#takeLease(this.#pool, threadId, options);
    });
  }

  async renewLease(threadId: string, options: RenewLeaseOptions): Promise<boolean> {
    return this.#guard(`renewing the lease of thread "${threadId}"`, async () => {
      assertLease('renewLease', options);
      await this.#ensureTables();
      const { rowCount } = await this.#pool.query(
        // A released lease (expires_at 0) is not the owner's any more: renewing it fails.
        `UPDATE ${this.#leases} SET expires_at = $3 WHERE thread_id = $1 AND owner = $2 AND expires_at > 0`,
        [threadId, options.owner, options.now + options.ttlMs],
      );
      return rowCount === 1;
    });
  }

  async renewLeases(
    leases: readonly LeaseToRenew[],
    { ttlMs, now }: RenewLeasesOptions,
  ): Promise<string[]> {
    return this.#guard(`renewing ${leases.length} leases`, async () => {
      for (const { owner } of leases) assertLease('renewLeases', { owner, ttlMs, now });
      if (leases.length === 0) return [];
      await this.#ensureTables();
      // One statement for them all: a heartbeat of many runs is one round trip and one commit.
      const { rows } = await this.#pool.query<{ thread_id: string }>(
        `UPDATE ${this.#leases} AS held SET expires_at = $3
       FROM unnest($1::text[], $2::text[]) AS renewing (thread_id, owner)
       WHERE held.thread_id = renewing.thread_id AND held.owner = renewing.owner
         AND held.expires_at > 0
       RETURNING held.thread_id`,
        [leases.map(({ threadId }) => threadId), leases.map(({ owner }) => owner), now + ttlMs],
      );
      return rows.map((row) => row.thread_id);
    });
  }

  async releaseLease(threadId: string, owner: string): Promise<void> {
    return this.#guard(`releasing the lease of thread "${threadId}"`, async () => {
      await this.#ensureTables();
      await this.#releaseLease(this.#pool, threadId, owner);
    });
  }

  async getLease(threadId: string): Promise<ThreadLease | undefined> {
    return this.#guard(`reading the lease of thread "${threadId}"`, async () => {
      await this.#ensureTables();
      return this.#leaseOf(this.#pool, threadId);
    });
  }

  async listThreads(options: ListThreadsOptions = {}): Promise<StoredThread[]> {
    checkListThreadsOptions(options);
    return this.#guard('listing threads', async () => {
      await this.#ensureTables();
      return listStoredThreads(this.#pool, this.#tables, options);
    });
  }

  async listDue(options: ListDueOptions): Promise<DueThread[]> {
    checkListDueOptions(options);
    return this.#guard('listing due threads', async () => {
      await this.#ensureTables();
      return listDueThreads(this.#pool, this.#tables, options);
    });
  }

  async prune(options: PruneOptions): Promise<PruneResult> {
    return this.#guard(
      'pruning ended threads',
      async () => {
        await this.#ensureTables();
        return pruneThreads(this.#pool, this.#tables, options);
      },
      { runAgain: false },
    );
  }

  async erase(threadIds: readonly string[], options: EraseOptions = {}): Promise<EraseResult> {
    return this.#guard(
      'erasing threads',
      async () => {
        await this.#ensureTables();
        return eraseThreads(this.#pool, this.#tables, threadIds, options);
      },
      // Each batch commits on its own, and is run again on its own (see eraseThreads).
      { runAgain: false },
    );
  }

  async listTenantThreads(
    tenantId: string,
    options: ListTenantThreadsOptions = {},
  ): Promise<string[]> {
    return this.#guard(`listing the threads of tenant "${tenantId}"`, async () => {
      await this.#ensureTables();
      return listThreadsOfTenant(
        this.#pool,
        { ...this.#tables, log: this.#log },
        tenantId,
        options,
      );
    });
  }

  /**
   * Claims waiting threads that are due for this scheduler alone (see `claimDueThreads`):
   * several workers polling at once never wake the same thread twice.
   */
  async claimDue(options: ClaimDueOptions): Promise<DueThread[]> {
    return this.#guard('claiming due threads', async () => {
      await this.#ensureTables();
      return claimDueThreads(this.#pool, this.#tables, options);
    });
  }

  /** Threads stored `running` with no live lease: a dead process left them mid-step. */
  async listOrphaned(options: ListDueOptions): Promise<string[]> {
    return this.#guard('listing orphaned threads', async () => {
      await this.#ensureTables();
      return listOrphanedThreads(this.#pool, this.#tables, options);
    });
  }

  /** Ends the pool when the checkpointer opened it; a pool passed in stays open. */
  async close(): Promise<void> {
    if (!this.#ownsPool) return;
    await this.#pool.end();
    // A login that failed half-way is no longer the pool's, but its socket may still be open.
    this.#clients?.destroyAll();
  }

  /** One transaction on one connection: the lease change, the journal, the checkpoint. */
  async #saveInTransaction(
    checkpoint: Checkpoint,
    journal: readonly JournalEntry[],
    lease: LeaseChange,
  ): Promise<CheckpointWriteResult> {
    return this.#guard(savingWhat(checkpoint), async () => {
      await this.#ensureTables();
      if (journal.length === 0 && !lease.take && !lease.release) {
        return this.#insertCheckpoint(this.#pool, checkpoint);
      }
      return withTransaction(this.#pool, async (client) => {
        const { threadId, owner } = checkpoint;
        if (lease.take) {
          await this.#takeLease(client, threadId, { ...lease.take, owner: owner as string });
        }
        // The checkpoint's compare-and-set refuses a thread erased under it: its entries may
        // create the thread with it.
        for (const entry of journal) {
          await this.#insertEffect(client, entry, owner, { withCheckpoint: true });
        }
        const result = await this.#insertCheckpoint(client, checkpoint);
        if (lease.release && owner !== undefined) {
          await this.#releaseLease(client, threadId, owner);
        }
        return result;
      });
    });
  }

  /** The compare-and-set insert of a checkpoint; fails with `checkpoint.conflict`. */
  async #insertCheckpoint(
    session: Session,
    checkpoint: Checkpoint,
  ): Promise<CheckpointWriteResult> {
    const { recovered: _, ...stored } = checkpoint;
    const json = JSON.stringify(stored);
    const { threadId, version } = checkpoint;
    // The compare-and-set: the row goes in only while the thread's newest version is
    // version - 1; two writers racing for the same version meet on the primary key, and
    // the loser inserts nothing (DO NOTHING) instead of failing its transaction.
    // The lease row is locked (FOR SHARE) until the insert commits: a takeover waits for
    // this write and then reads it, or this write waits for the takeover and is refused.
    const { rowCount } = await session.query({
      // Named: prepared once per connection, not parsed on every save.
      name: `agentchart.save.${this.#statementTag}`,
      // The thread's row (newest version, status, wake time) moves in the same statement.
      text: `WITH lease AS (SELECT owner FROM ${this.#leases} WHERE thread_id = $1 FOR SHARE),
   inserted AS (
     INSERT INTO ${this.#checkpoints} (thread_id, version, machine_version, status, created_at, owner, state)
     SELECT $1, $2, $3, $4, $5, $6, $7
     WHERE (SELECT coalesce(max(version), 0) FROM ${this.#checkpoints} WHERE thread_id = $1) = $2 - 1
       AND ($6::text IS NULL OR NOT EXISTS (SELECT 1 FROM lease WHERE owner <> $6::text))
     ON CONFLICT (thread_id, version) DO NOTHING
     RETURNING thread_id, version, status, created_at)
   INSERT INTO ${this.#tables.threads} (thread_id, version, status, updated_at, wake_at)
   SELECT thread_id, version, status, created_at, $8 FROM inserted
   ON CONFLICT (thread_id) DO UPDATE SET version = excluded.version, status = excluded.status,
     updated_at = excluded.updated_at, wake_at = excluded.wake_at`,
      values: [
        threadId,
        version,
        checkpoint.machineVersion,
        checkpoint.run.status,
        checkpoint.createdAt,
        checkpoint.owner ?? null,
        json,
        checkpoint.wakeAt ?? null,
      ],
    });
    if (rowCount !== 1) {
      const lease =
        checkpoint.owner === undefined ? undefined : await this.#leaseOf(session, threadId);
      throw new CheckpointError(
        'checkpoint.conflict',
        threadId,
        lease && lease.owner !== checkpoint.owner
          ? fencedMessage(threadId, `checkpoint ${version}`, `run "${lease.owner}" holds its lease`)
          : conflictMessage(threadId, await this.#head(session, threadId), version),
      );
    }
    return { bytes: json.length };
  }

  /**
   * A journal entry written, fenced on `owner`; fails with `checkpoint.conflict`. Written
   * without a checkpoint, it is refused on a thread with neither lease nor thread row: it was
   * erased or pruned since its run took it (ADR 0084), and the entry would bring it back.
   */
  async #insertEffect(
    session: Session,
    entry: JournalEntry,
    owner: string | undefined,
    { withCheckpoint }: { withCheckpoint: boolean },
  ): Promise<void> {
    // Fenced: written only when no owner is named, or the thread's lease is this owner's,
    // or (never leased) its newest checkpoint names no owner or this one. The lease row is
    // locked until the write commits, as in save(); so is the thread row when there is no
    // lease: an erase that deletes them meanwhile is waited for, and then neither is found
    // (a locking read skips a row deleted since the statement began). Not with a checkpoint:
    // its compare-and-set decides, and the save that updates the row next in the transaction
    // must not wait on another save's share of it (a deadlock). The run log row is written by
    // the same statement, from the same entry: both or neither.
    const { rowCount } = await session.query({
      name: `agentchart.putEffect.${this.#statementTag}`,
      text: `WITH lease AS (SELECT owner FROM ${this.#leases} WHERE thread_id = $1 FOR SHARE),
   thread AS (SELECT 1 FROM ${this.#tables.threads} WHERE thread_id = $1 AND NOT $8::boolean FOR SHARE),
   written AS (
     INSERT INTO ${this.#effects} (thread_id, key, site, kind, status, entry)
     SELECT $1, $2, $3, $4, $5, $6
     WHERE $7::text IS NULL OR CASE
       WHEN EXISTS (SELECT 1 FROM lease) THEN EXISTS (SELECT 1 FROM lease WHERE owner = $7::text)
       ELSE ($8::boolean OR EXISTS (SELECT 1 FROM thread)) AND NOT EXISTS (
         SELECT 1 FROM (
           SELECT owner FROM ${this.#checkpoints} WHERE thread_id = $1 ORDER BY version DESC LIMIT 1
         ) head WHERE head.owner IS NOT NULL AND head.owner <> $7::text)
     END
     ON CONFLICT (thread_id, key) DO UPDATE SET status = excluded.status, entry = excluded.entry
     RETURNING 1)
   ${runLogUpsert(this.#log, 9)}`,
      values: [
        entry.threadId,
        entry.key,
        entry.site,
        entry.kind,
        entry.status,
        JSON.stringify(entry),
        owner ?? null,
        withCheckpoint,
        ...runLogValues(entry),
      ],
    });
    if (rowCount !== 1) {
      const lease = await this.#leaseOf(session, entry.threadId);
      const head = lease ? 0 : await this.#head(session, entry.threadId);
      const write = `effect "${entry.key}"`;
      throw new CheckpointError(
        'checkpoint.conflict',
        entry.threadId,
        lease || head > 0
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
  }

  /** The lease taken for `options.owner`; fails with `checkpoint.lease_held`. */
  async #takeLease(
    session: Session,
    threadId: string,
    options: AcquireLeaseOptions,
  ): Promise<ThreadLease> {
    const { owner, ttlMs, now, force = false, takeOverFrom = null } = options;
    // One statement: PostgreSQL locks the row for the upsert, so of two processes racing
    // for an expired or free lease (or taking it over from the same owner) exactly one
    // gets a row back.
    const { rows } = await session.query<{ owner: string; expires_at: number }>({
      name: `agentchart.acquireLease.${this.#statementTag}`,
      text: `INSERT INTO ${this.#leases} AS held (thread_id, owner, expires_at) VALUES ($1, $2, $3)
       ON CONFLICT (thread_id) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
       WHERE held.owner = excluded.owner OR held.expires_at <= $4 OR $5::boolean
         OR held.owner = $6::text
       RETURNING owner, expires_at`,
      values: [threadId, owner, now + ttlMs, now, force, takeOverFrom],
    });
    const taken = rows[0];
    if (taken) return { threadId, owner: taken.owner, expiresAt: taken.expires_at };
    const holder = (await this.#leaseOf(session, threadId)) ?? { owner: 'unknown', expiresAt: now };
    throw CheckpointError.leaseHeld(threadId, holder, now, takeOverFrom ?? undefined);
  }

  /** Gives `owner`'s lease up: another owner may take the thread at once. */
  async #releaseLease(session: Session, threadId: string, owner: string): Promise<void> {
    await session.query(
      `UPDATE ${this.#leases} SET expires_at = 0 WHERE thread_id = $1 AND owner = $2`,
      [threadId, owner],
    );
  }

  /** The thread's lease as `session` sees it. */
  async #leaseOf(session: Session, threadId: string): Promise<ThreadLease | undefined> {
    const { rows } = await session.query<{ owner: string; expires_at: number }>(
      `SELECT owner, expires_at FROM ${this.#leases} WHERE thread_id = $1`,
      [threadId],
    );
    const row = rows[0];
    return row && { threadId, owner: row.owner, expiresAt: row.expires_at };
  }

  /**
   * Runs `body`, turning the server's failures (out of reach, a refused login, no such
   * database, full, read-only, a timeout) into a `StorageError` that says what was being
   * done and what to do; the store's own errors pass as they are.
   */
  async #guard<T>(
    doing: string,
    body: () => Promise<T>,
    { runAgain = true }: { runAgain?: boolean } = {},
  ): Promise<T> {
    try {
      // A body is one statement or one transaction, with reads around it: run again from
      // the start after the server ended it, it does what it was asked once. (`prune`, whose
      // batches commit one by one, runs each batch again on its own instead.)
      return await (runAgain ? runAgainIfEndedForAnother(body) : body());
    } catch (error) {
      throw storageFailure(error, this.#server, doing);
    }
  }

  /** The thread's newest version, 0 when it has none. */
  async #head(session: Session, threadId: string): Promise<number> {
    const { rows } = await session.query<{ version: number }>(
      `SELECT coalesce(max(version), 0) AS version FROM ${this.#checkpoints} WHERE thread_id = $1`,
      [threadId],
    );
    return rows[0]?.version ?? 0;
  }

  /** Creates the schema and tables once per checkpointer (a failed attempt is retried). */
  #ensureTables(): Promise<void> {
    this.#ready ??= this.#createTables().catch((error: unknown) => {
      this.#ready = undefined;
      throw error;
    });
    return this.#ready;
  }

  /** agentchart's tables with the columns its statements use (see `assertOwnTables`). */
  #ownTables(): OwnTable[] {
    return [
      {
        name: this.#checkpoints,
        columns: [
          'thread_id',
          'version',
          'machine_version',
          'status',
          'created_at',
          'owner',
          'state',
        ],
      },
      {
        name: this.#effects,
        columns: ['thread_id', 'key', 'seq', 'site', 'kind', 'status', 'entry'],
      },
      { name: this.#leases, columns: ['thread_id', 'owner', 'expires_at'] },
      {
        name: this.#tables.threads,
        columns: ['thread_id', 'version', 'status', 'updated_at', 'wake_at'],
      },
    ];
  }

  async #createTables(): Promise<void> {
    await withConnection(this.#pool, async (client) => {
      const names = [...this.#ownTables().map((table) => table.name), this.#log];
      const { rows } = await client.query<{ missing: number }>(
        'SELECT count(*)::int AS missing FROM unnest($1::text[]) AS name WHERE to_regclass(name) IS NULL',
        [names],
      );
      if (rows[0]?.missing === 0) {
        // All there, the usual case and the only one a reading role (SELECT only) meets: no
        // DDL, which needs privileges such a role lacks; only the checks that they are ours.
        await assertOwnTables(client, this.#ownTables());
        await createRunLogTable(client, {
          log: this.#log,
          effects: this.#effects,
          threads: this.#tables.threads,
        });
        // Tables an older agentchart made lack the thread table's byte-order index (ADR 0086).
        // A store that creates no tables (a reading role), or whose role may write the tables
        // but not change them (they belong to the role that migrates), leaves it to one that
        // can: its erase still finds children, reading the whole thread table.
        if (this.#createsTables && !(await hasThreadPrefixIndex(client, this.#tables))) {
          await inTransaction(client, async () => {
            await waitForTableCreation(client, describeServer(this.#pool));
            await createThreadPrefixIndex(client, this.#tables);
          }).catch((error: unknown) => {
            if (!(error instanceof pg.DatabaseError && error.code === insufficientPrivilege)) {
              throw error;
            }
          });
        }
        return;
      }
      if (!this.#createsTables) {
        throw new StorageError(
          'storage.not_found',
          this.#server,
          `PostgreSQL at ${this.#server} has no agentchart tables in schema "${this.#schema ?? 'public'}" (${rows[0]?.missing} of the ${names.length} are missing), and this store does not create them (createTables: false). Point it at the database and schema your agents and workers use, or start one of them there first: they create the tables.`,
        );
      }
      await inTransaction(client, async () => {
        // Concurrent CREATE TABLE IF NOT EXISTS can still collide in the catalog: serialise.
        await waitForTableCreation(client, describeServer(this.#pool));
        if (this.#schema !== undefined) {
          await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(this.#schema)}`);
        }
        // Someone else's table of one of these names is refused, never written into.
        await assertOwnTables(client, this.#ownTables());
        await client.query(`CREATE TABLE IF NOT EXISTS ${this.#checkpoints} (
        thread_id text NOT NULL,
        version integer NOT NULL,
        machine_version text NOT NULL,
        status text NOT NULL,
        created_at double precision NOT NULL,
        owner text,
        state text NOT NULL,
        PRIMARY KEY (thread_id, version))`);
        await client.query(`CREATE TABLE IF NOT EXISTS ${this.#effects} (
        thread_id text NOT NULL,
        key text NOT NULL,
        seq bigint GENERATED ALWAYS AS IDENTITY,
        site text NOT NULL,
        kind text NOT NULL,
        status text NOT NULL,
        entry text NOT NULL,
        PRIMARY KEY (thread_id, key))`);
        await client.query(`CREATE TABLE IF NOT EXISTS ${this.#leases} (
        thread_id text PRIMARY KEY,
        owner text NOT NULL,
        expires_at double precision NOT NULL)`);
        await createThreadsTable(client, this.#tables);
        await createRunLogTable(client, {
          log: this.#log,
          effects: this.#effects,
          threads: this.#tables.threads,
        });
      });
    });
  }
}

/** PostgreSQL's SQLSTATE for a statement the role may not run (`must be owner of table`). */
const insufficientPrivilege = '42501';

/** How long a process waits for another to finish creating the tables; how often it asks. */
const tableCreationWaitMs = 600_000;
const tableCreationPollMs = 100;

/**
 * Takes the lock that serialises table creation, for the caller's transaction. Asked for
 * again and again, not waited on in one statement: the process holding it may be filling a
 * new run log from a large journal for longer than the pool's `queryTimeoutMs`, which would
 * end a single waiting statement and fail this process's start.
 */
async function waitForTableCreation(client: pg.PoolClient, server: string): Promise<void> {
  const started = Date.now();
  for (;;) {
    const { rows } = await client.query<{ locked: boolean }>(
      "SELECT pg_try_advisory_xact_lock(hashtext('agentchart.create_tables')) AS locked",
    );
    if (rows[0]?.locked) return;
    if (Date.now() - started > tableCreationWaitMs) {
      throw new StorageError(
        'storage.timeout',
        server,
        `Another process has been creating agentchart's tables for more than ${tableCreationWaitMs / 60_000} minutes (it may be filling the run log from a large journal). Look for it in pg_stat_activity, let it finish, then start this one again.`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, tableCreationPollMs));
  }
}

/** Refuses lease options no store can honour (core's own check is not on its entry). */
function assertLease(
  method: string,
  { owner, ttlMs, now, takeOverFrom }: RenewLeaseOptions & { takeOverFrom?: unknown },
): void {
  if (typeof owner !== 'string' || owner.length === 0) {
    throw new DefinitionError(
      'definition.invalid_option',
      `PostgresCheckpointer.${method}: owner must be a non-empty string (the run's token), got ${JSON.stringify(owner)}.`,
    );
  }
  if (!Number.isFinite(ttlMs) || ttlMs <= 0 || !Number.isFinite(now) || now < 0) {
    throw new DefinitionError(
      'definition.invalid_option',
      `PostgresCheckpointer.${method}: ttlMs must be a positive number of milliseconds and now a time since the epoch, got ttlMs ${ttlMs} and now ${now}.`,
    );
  }
  if (takeOverFrom !== undefined && (typeof takeOverFrom !== 'string' || takeOverFrom === '')) {
    throw new DefinitionError(
      'definition.invalid_option',
      `PostgresCheckpointer.${method}: takeOverFrom must name the owner to take the thread from (a non-empty string), got ${JSON.stringify(takeOverFrom)}.`,
    );
  }
}

/** A checkpoint's JSON text parsed, or why it could not be. */
function parseState(text: string): { ok: true; value: Checkpoint } | { ok: false; reason: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, reason: `invalid JSON (${(error as Error).message})` };
  }
}
