import { createHash } from 'node:crypto';
import { CheckpointError, type Checkpointer } from '@agentchart/core';
import {
  type Checkpoint,
  type CheckpointSummary,
  type CheckpointWriteResult,
  conflictMessage,
  fencedMessage,
  type JournalEntry,
  type PutEffectOptions,
  type RunStatus,
} from '@agentchart/core/internal';
import pg from 'pg';

/** Options of {@link PostgresCheckpointer}: a connection string (it owns its pool) or a pool. */
export type PostgresCheckpointerOptions = (
  | {
      /** `postgres://user@host:port/database`; the checkpointer opens and closes its own pool. */
      connectionString: string;
      /** Connections of the pool it opens. Default: 10 (pg's default). */
      max?: number;
    }
  | {
      /** A pool the caller owns: {@link PostgresCheckpointer.close} leaves it open. */
      pool: pg.Pool;
    }
) & {
  /** The schema holding the tables, created if missing. Default: `public`. */
  schema?: string;
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

/** Double-quotes an SQL identifier. */
function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * Checkpoints and the effect journal in PostgreSQL, shared by any number of processes.
 * Two tables, created on first use: `agentchart_checkpoints` (one row per checkpoint,
 * primary key `(thread_id, version)`) and `agentchart_effects` (one row per journal entry,
 * primary key `(thread_id, key)`).
 *
 * A save is one statement that compare-and-sets the thread's version: it inserts version N
 * only while the thread's newest version is N - 1, and the primary key decides between two
 * writers racing for the same N, so exactly one of them wins and the other gets
 * `checkpoint.conflict`. A journal write that names an owner is refused (`checkpoint.conflict`)
 * when the thread's newest checkpoint names another one, as in every store.
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
export class PostgresCheckpointer implements Checkpointer {
  readonly #pool: pg.Pool;
  readonly #ownsPool: boolean;
  readonly #checkpoints: string;
  readonly #effects: string;
  readonly #schema: string | undefined;
  /** Tells apart the prepared statements of checkpointers on other schemas sharing a pool. */
  readonly #statementTag: string;
  #ready: Promise<void> | undefined;

  constructor(options: PostgresCheckpointerOptions) {
    if ('pool' in options) {
      this.#pool = options.pool;
      this.#ownsPool = false;
    } else {
      this.#pool = new pg.Pool({
        connectionString: options.connectionString,
        ...(options.max === undefined ? {} : { max: options.max }),
      });
      this.#ownsPool = true;
    }
    this.#schema = options.schema;
    const prefix = options.schema === undefined ? '' : `${quoteIdentifier(options.schema)}.`;
    this.#checkpoints = `${prefix}agentchart_checkpoints`;
    this.#effects = `${prefix}agentchart_effects`;
    this.#statementTag = createHash('sha256').update(prefix).digest('hex').slice(0, 16);
  }

  async latest(threadId: string): Promise<Checkpoint | undefined> {
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
  }

  async get(threadId: string, version: number): Promise<Checkpoint | undefined> {
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
  }

  async save(checkpoint: Checkpoint): Promise<CheckpointWriteResult> {
    await this.#ensureTables();
    const { recovered: _, ...stored } = checkpoint;
    const json = JSON.stringify(stored);
    const { threadId, version } = checkpoint;
    // The compare-and-set: the row goes in only while the thread's newest version is
    // version - 1; two writers racing for the same version meet on the primary key, and
    // the loser inserts nothing (DO NOTHING) instead of failing its transaction.
    const { rowCount } = await this.#pool.query({
      // Named: prepared once per connection, not parsed on every save.
      name: `agentchart.save.${this.#statementTag}`,
      text: `INSERT INTO ${this.#checkpoints} (thread_id, version, machine_version, status, created_at, owner, state)
       SELECT $1, $2, $3, $4, $5, $6, $7
       WHERE (SELECT coalesce(max(version), 0) FROM ${this.#checkpoints} WHERE thread_id = $1) = $2 - 1
       ON CONFLICT (thread_id, version) DO NOTHING`,
      values: [
        threadId,
        version,
        checkpoint.machineVersion,
        checkpoint.run.status,
        checkpoint.createdAt,
        checkpoint.owner ?? null,
        json,
      ],
    });
    if (rowCount !== 1) {
      throw new CheckpointError(
        'checkpoint.conflict',
        threadId,
        conflictMessage(threadId, await this.#head(threadId), version),
      );
    }
    return { bytes: json.length };
  }

  async list(threadId: string): Promise<CheckpointSummary[]> {
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
  }

  async getEffect(threadId: string, key: string): Promise<JournalEntry | undefined> {
    await this.#ensureTables();
    const { rows } = await this.#pool.query<{ entry: string }>(
      `SELECT entry FROM ${this.#effects} WHERE thread_id = $1 AND key = $2`,
      [threadId, key],
    );
    return rows[0] && JSON.parse(rows[0].entry);
  }

  async putEffect(entry: JournalEntry, { owner }: PutEffectOptions = {}): Promise<void> {
    await this.#ensureTables();
    // Fenced: written only when no owner is named, or the thread's newest checkpoint names
    // no owner or this one.
    const { rowCount } = await this.#pool.query({
      name: `agentchart.putEffect.${this.#statementTag}`,
      text: `INSERT INTO ${this.#effects} (thread_id, key, site, kind, status, entry)
       SELECT $1, $2, $3, $4, $5, $6
       WHERE $7::text IS NULL OR NOT EXISTS (
         SELECT 1 FROM (
           SELECT owner FROM ${this.#checkpoints} WHERE thread_id = $1 ORDER BY version DESC LIMIT 1
         ) head WHERE head.owner IS NOT NULL AND head.owner <> $7::text)
       ON CONFLICT (thread_id, key) DO UPDATE SET status = excluded.status, entry = excluded.entry`,
      values: [
        entry.threadId,
        entry.key,
        entry.site,
        entry.kind,
        entry.status,
        JSON.stringify(entry),
        owner ?? null,
      ],
    });
    if (rowCount !== 1) {
      throw new CheckpointError(
        'checkpoint.conflict',
        entry.threadId,
        fencedMessage(entry.threadId, entry.key, await this.#head(entry.threadId)),
      );
    }
  }

  async listEffects(threadId: string): Promise<JournalEntry[]> {
    await this.#ensureTables();
    const { rows } = await this.#pool.query<{ entry: string }>(
      `SELECT entry FROM ${this.#effects} WHERE thread_id = $1 ORDER BY seq`,
      [threadId],
    );
    return rows.map((row) => JSON.parse(row.entry));
  }

  /** Ends the pool when the checkpointer opened it; a pool passed in stays open. */
  async close(): Promise<void> {
    if (this.#ownsPool) await this.#pool.end();
  }

  /** The thread's newest version, 0 when it has none. */
  async #head(threadId: string): Promise<number> {
    const { rows } = await this.#pool.query<{ version: number }>(
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

  async #createTables(): Promise<void> {
    const client = await this.#pool.connect();
    try {
      await client.query('BEGIN');
      // Concurrent CREATE TABLE IF NOT EXISTS can still collide in the catalog: serialise.
      await client.query("SELECT pg_advisory_xact_lock(hashtext('agentchart.create_tables'))");
      if (this.#schema !== undefined) {
        await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(this.#schema)}`);
      }
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
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
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
