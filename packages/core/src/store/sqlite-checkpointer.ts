import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite';
import type { JournalEntry } from '../ledger/types';
import { CheckpointChain, decodeChain } from './checkpoint-chain';
import { CheckpointError } from './checkpoint-error';
import { conflictMessage, fencedMessage } from './conflict-messages';
import { guardDatabase, openCheckpointDatabase, type SqliteSynchronous } from './sqlite-database';
import {
  type CheckpointRow,
  type EffectRow,
  toCheckpoint,
  toEntry,
  toStateRow,
} from './sqlite-rows';
import type {
  Checkpoint,
  Checkpointer,
  CheckpointSummary,
  CheckpointWriteResult,
  PutEffectOptions,
  RunStatus,
} from './types';

/** Options of {@link SqliteCheckpointer}. */
export interface SqliteCheckpointerOptions {
  /** The database file, created with its folder when absent. Default `.agentchart/runs.db`; `:memory:` for a private in-memory database. */
  path?: string;
  /**
   * When a write is durable. `full` (default): fsynced before it returns, so it survives a
   * power loss. `normal`: it survives the process being killed, not the machine losing power;
   * writes are faster.
   */
  synchronous?: SqliteSynchronous;
  /** How long a write waits for another process's write to finish. Default 5000 ms. */
  busyTimeoutMs?: number;
  /** Check the whole file with SQLite's `quick_check` when opening. Default false. */
  verify?: boolean;
  /** Threads whose last state is kept in memory, so their next checkpoint is a delta. Default 256. */
  cachedThreads?: number;
}

/** A thread as listed by {@link SqliteCheckpointer.listThreads}. */
export interface StoredThread {
  threadId: string;
  version: number;
  status: RunStatus;
  updatedAt: number;
}

/** The rows from the last full state at or before `version` up to `version`. */
const chainSql = `SELECT version, machine_version, status, created_at, owner, encoding, state
  FROM checkpoints WHERE thread_id = ?1 AND version <= ?2 AND version >= coalesce(
    (SELECT max(version) FROM checkpoints WHERE thread_id = ?1 AND version <= ?2 AND encoding = 'full'), 0)
  ORDER BY version`;

/**
 * Checkpoints and the effect journal in an SQLite file (Node's built-in `node:sqlite`; no
 * server, no dependency). Each checkpoint stores a delta against the one before, so a step
 * writes bytes in proportion to what changed; a write is one transaction that
 * compare-and-sets the thread's version, so two processes cannot both advance a thread.
 * Several processes may share one file.
 *
 * @example
 * ```ts
 * const agent = createAgent({ machine, models, checkpointer: new SqliteCheckpointer({ path: '.agentchart/runs.db' }) });
 * ```
 */
export class SqliteCheckpointer implements Checkpointer {
  /** The database file. */
  readonly path: string;
  readonly #db: DatabaseSync;
  readonly #chain: CheckpointChain;
  readonly #statements: Record<
    | 'begin'
    | 'commit'
    | 'rollback'
    | 'head'
    | 'chain'
    | 'insertCheckpoint'
    | 'createHead'
    | 'advanceHead'
    | 'list'
    | 'getEffect'
    | 'putEffect'
    | 'listEffects'
    | 'threads'
    | 'threadsByStatus',
    StatementSync
  >;

  constructor({
    path = '.agentchart/runs.db',
    synchronous = 'full',
    busyTimeoutMs = 5_000,
    verify = false,
    cachedThreads = 256,
  }: SqliteCheckpointerOptions = {}) {
    this.path = path;
    this.#db = openCheckpointDatabase({ path, synchronous, busyTimeoutMs, verify });
    this.#chain = new CheckpointChain(cachedThreads);
    const db = this.#db;
    this.#statements = guardDatabase(path, () => ({
      // Prepared once, not parsed again by exec() on every save.
      begin: db.prepare('BEGIN IMMEDIATE'),
      commit: db.prepare('COMMIT'),
      rollback: db.prepare('ROLLBACK'),
      head: db.prepare('SELECT version FROM threads WHERE thread_id = ?'),
      chain: db.prepare(chainSql),
      insertCheckpoint: db.prepare(
        `INSERT INTO checkpoints (thread_id, version, machine_version, status, created_at, owner, encoding, state)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      // The compare-and-set on the thread's version: each changes one row, or none when
      // the head is not `version - 1` (another writer got there first).
      createHead: db.prepare(
        `INSERT INTO threads (thread_id, version, owner, status, updated_at) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (thread_id) DO NOTHING`,
      ),
      advanceHead: db.prepare(
        `UPDATE threads SET version = ?2, owner = ?3, status = ?4, updated_at = ?5
         WHERE thread_id = ?1 AND version = ?2 - 1`,
      ),
      list: db.prepare(
        `SELECT version, machine_version, status, created_at, length(state) AS bytes
         FROM checkpoints WHERE thread_id = ? ORDER BY version`,
      ),
      getEffect: db.prepare('SELECT * FROM effects WHERE thread_id = ? AND key = ?'),
      putEffect: db.prepare(
        `INSERT INTO effects (thread_id, key, site, kind, effect, name, status, started_at, finished_at, input, output, error, meta)
         SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13
         WHERE NOT EXISTS (SELECT 1 FROM threads WHERE thread_id = ?1 AND owner IS NOT NULL AND owner <> ?14)
         ON CONFLICT (thread_id, key) DO UPDATE SET status = excluded.status,
           finished_at = excluded.finished_at, output = excluded.output, error = excluded.error,
           meta = excluded.meta`,
      ),
      listEffects: db.prepare('SELECT * FROM effects WHERE thread_id = ? ORDER BY seq'),
      threads: db.prepare(
        'SELECT thread_id, version, status, updated_at FROM threads ORDER BY updated_at',
      ),
      threadsByStatus: db.prepare(
        'SELECT thread_id, version, status, updated_at FROM threads WHERE status = ? ORDER BY updated_at',
      ),
    }));
  }

  async latest(threadId: string): Promise<Checkpoint | undefined> {
    return this.#guard(threadId, () => {
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
    return this.#guard(threadId, () => {
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
    const { threadId, version } = checkpoint;
    return this.#guard(threadId, () => {
      const { encoded, commit } = this.#chain.encode(checkpoint);
      const statements = this.#statements;
      statements.begin.run();
      try {
        const owner = checkpoint.owner ?? null;
        const status = checkpoint.run.status;
        const moveHead = version === 1 ? statements.createHead : statements.advanceHead;
        const { changes } = moveHead.run(threadId, version, owner, status, checkpoint.createdAt);
        if (Number(changes) !== 1) {
          throw new CheckpointError(
            'checkpoint.conflict',
            threadId,
            conflictMessage(threadId, this.#head(threadId) ?? 0, version),
          );
        }
        statements.insertCheckpoint.run(
          threadId,
          version,
          checkpoint.machineVersion,
          status,
          checkpoint.createdAt,
          owner,
          encoded.encoding,
          encoded.text,
        );
        statements.commit.run();
      } catch (error) {
        if (this.#db.isTransaction) statements.rollback.run();
        this.#chain.forget(threadId);
        throw error;
      }
      commit();
      return { bytes: encoded.text.length };
    });
  }

  async list(threadId: string): Promise<CheckpointSummary[]> {
    return this.#guard(threadId, () =>
      (
        this.#statements.list.all(threadId) as unknown as (Omit<
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
    return this.#guard(threadId, () => {
      const row = this.#statements.getEffect.get(threadId, key) as EffectRow | undefined;
      return row && toEntry(row, this.path);
    });
  }

  async putEffect(entry: JournalEntry, { owner }: PutEffectOptions = {}): Promise<void> {
    this.#guard(entry.threadId, () => {
      const json = (value: unknown): SQLInputValue =>
        value === undefined ? null : JSON.stringify(value);
      const { changes } = this.#statements.putEffect.run(
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
        owner ?? null,
      );
      if (Number(changes) === 0) {
        throw new CheckpointError(
          'checkpoint.conflict',
          entry.threadId,
          fencedMessage(entry.threadId, entry.key, this.#head(entry.threadId) ?? 0),
        );
      }
    });
  }

  async listEffects(threadId: string): Promise<JournalEntry[]> {
    return this.#guard(threadId, () =>
      (this.#statements.listEffects.all(threadId) as unknown as EffectRow[]).map((row) =>
        toEntry(row, this.path),
      ),
    );
  }

  release(threadId: string): void {
    this.#chain.forget(threadId);
  }

  /** Threads in the store, least recently updated first; e.g. every `waiting` one after a restart. */
  async listThreads({ status }: { status?: RunStatus } = {}): Promise<StoredThread[]> {
    return this.#guard('', () => {
      const rows = (status === undefined
        ? this.#statements.threads.all()
        : this.#statements.threadsByStatus.all(status)) as unknown as {
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
    if (this.#db.isOpen) this.#db.close();
  }

  #head(threadId: string): number | undefined {
    return (this.#statements.head.get(threadId) as { version: number } | undefined)?.version;
  }

  #rows(threadId: string, version: number): CheckpointRow[] {
    return this.#statements.chain.all(threadId, version) as unknown as CheckpointRow[];
  }

  #guard<T>(threadId: string, action: () => T): T {
    return guardDatabase(this.path, action, threadId);
  }
}
