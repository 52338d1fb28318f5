import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite';
import type { CostFilter, CostGroupKey, CostSummary } from '../cost/cost-ledger';
import { roundUsd } from '../cost/usd';
import type { JournalEntry } from '../ledger/types';
import {
  effectLogChangingColumns,
  effectLogColumns,
  effectLogRowFromColumns,
  effectLogValues,
  runSummaryFromColumns,
} from '../run-log/effect-log-columns';
import { effectLogRowOf } from '../run-log/effect-log-row';
import {
  filterEffectLog,
  summariseCostRows,
  summariseRuns,
  type ThreadHead,
} from '../run-log/summarise-rows';
import type { EffectLogFilter, EffectLogRow, RunFilter, RunSummary } from '../run-log/types';
import { type EffectRow, toEntry } from './sqlite-rows';
import type { RunStatus } from './types';

/** The first schema version with the `effect_log` table. */
export const runLogSchemaVersion = 4;

const names = effectLogColumns.map((column) => column.name);

/**
 * The tenant index holds only rows that have a tenant: a store without tenants writes no
 * entry of it per step, and every query of it asks for one tenant (`tenant_id = ?`, which
 * implies `IS NOT NULL`, so SQLite still uses it).
 */
export const effectLogByTenant =
  'CREATE INDEX IF NOT EXISTS effect_log_by_tenant ON effect_log (tenant_id, started_at) WHERE tenant_id IS NOT NULL';

/** The first schema version whose run log is indexed by agent per thread, not per row. */
export const agentThreadsSchemaVersion = 5;

/**
 * The run log: one narrow row per journal record, written in the journal write's own
 * transaction, keyed as it is read (a thread's rows, by the primary key). A journal row
 * deleted (a thread pruned) takes its log row with it.
 *
 * It has no index by time or by agent: each would rewrite an index page in every step's
 * commit. "Which threads did agent X run" is read from `effect_log_agents`, one row per
 * (agent, thread) kept by triggers, so only a thread's first row writes it; a query by time
 * reads the table (a narrow row per step). The tenant index holds only rows that have a
 * tenant (see {@link effectLogByTenant}).
 */
export const effectLogSchema = `
CREATE TABLE IF NOT EXISTS effect_log (
  ${effectLogColumns.map((column) => `${column.name} ${column.sqlite}`).join(',\n  ')},
  PRIMARY KEY (thread_id, key)
) STRICT, WITHOUT ROWID;
${effectLogByTenant};
CREATE TRIGGER IF NOT EXISTS effect_log_follows_effects AFTER DELETE ON effects BEGIN
  DELETE FROM effect_log WHERE thread_id = OLD.thread_id AND key = OLD.key;
END;
CREATE TABLE IF NOT EXISTS effect_log_agents (
  agent TEXT NOT NULL,
  thread_id TEXT NOT NULL,
  PRIMARY KEY (agent, thread_id)
) STRICT, WITHOUT ROWID;
CREATE TRIGGER IF NOT EXISTS effect_log_agents_follow_insert AFTER INSERT ON effect_log
WHEN NEW.agent IS NOT NULL BEGIN
  INSERT INTO effect_log_agents (agent, thread_id) VALUES (NEW.agent, NEW.thread_id)
    ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER IF NOT EXISTS effect_log_agents_follow_delete AFTER DELETE ON effect_log
WHEN OLD.agent IS NOT NULL AND NOT EXISTS (
  SELECT 1 FROM effect_log WHERE thread_id = OLD.thread_id AND agent = OLD.agent
) BEGIN
  DELETE FROM effect_log_agents WHERE agent = OLD.agent AND thread_id = OLD.thread_id;
END;
`;

/**
 * Upgrades the run log of a file written before {@link agentThreadsSchemaVersion}: fills
 * `effect_log_agents` from the log's rows and drops the per-row indexes by time and agent
 * (run after {@link effectLogSchema}, in the migration's transaction).
 */
export function upgradeEffectLogIndexes(db: DatabaseSync): void {
  db.exec(`INSERT INTO effect_log_agents (agent, thread_id)
      SELECT DISTINCT agent, thread_id FROM effect_log WHERE agent IS NOT NULL
      ON CONFLICT DO NOTHING;
    DROP INDEX IF EXISTS effect_log_by_time;
    DROP INDEX IF EXISTS effect_log_by_agent;`);
}

const upsertSql = `INSERT INTO effect_log (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')})
  ON CONFLICT (thread_id, key) DO UPDATE SET ${effectLogChangingColumns()
    .map((name) => `${name} = excluded.${name}`)
    .join(', ')}`;

/**
 * Fills `effect_log` from the journal of a database written before it existed: run once, in
 * the migration's transaction. A journal row whose JSON cannot be read still gets a row,
 * from its plain columns.
 */
export function backfillEffectLog(db: DatabaseSync): void {
  const upsert = db.prepare(upsertSql);
  for (const row of db.prepare('SELECT * FROM effects ORDER BY seq').iterate()) {
    upsert.run(...effectLogValues(effectLogRowOf(lenientEntry(row as unknown as EffectRow))));
  }
}

/** A journal row as an entry, with any JSON column that does not parse left out. */
function lenientEntry(row: EffectRow): JournalEntry {
  const readable = { ...row };
  for (const column of ['input', 'output', 'error', 'meta'] as const) {
    try {
      if (readable[column] !== null) JSON.parse(readable[column]);
    } catch {
      readable[column] = null;
    }
  }
  return toEntry(readable, '');
}

/** Conditions and parameters of a query, built from the filter fields that are set. */
class Where {
  readonly conditions: string[] = [];
  readonly parameters: Record<string, SQLInputValue> = {};

  add(condition: string, name: string, value: SQLInputValue | undefined): void {
    if (value === undefined) return;
    this.conditions.push(condition);
    this.parameters[name] = value;
  }

  toString(): string {
    return this.conditions.length === 0 ? '' : `WHERE ${this.conditions.join(' AND ')}`;
  }
}

const costGroups: Record<CostGroupKey | 'none', string> = {
  none: "''",
  threadId: 'thread_id',
  tenantId: "coalesce(tenant_id, '')",
  model: "coalesce(model, '')",
  day: "date(coalesce(finished_at, started_at) / 1000, 'unixepoch')",
};

/**
 * The run log of an SQLite checkpoint database: writes a journal record's row (inside the
 * checkpointer's transaction) and answers the run log's queries in SQL. On a file written
 * before the run log, opened read-only (so never migrated), it answers from the journal
 * instead, row by row: the same answers, only slower.
 */
export class SqliteRunLog {
  readonly #db: DatabaseSync;
  readonly #hasTable: boolean;
  /** Where the threads an agent ran are read: `effect_log_agents`, or (schema 4) the log. */
  readonly #agentThreads: string;
  readonly #statements = new Map<string, StatementSync>();

  /** @param version The file's schema version (a file opened read-only keeps an older one). */
  constructor(db: DatabaseSync, version: number) {
    this.#db = db;
    this.#hasTable = version >= runLogSchemaVersion;
    this.#agentThreads =
      version >= agentThreadsSchemaVersion
        ? 'SELECT thread_id FROM effect_log_agents WHERE agent = $agent'
        : 'SELECT thread_id FROM effect_log WHERE agent = $agent';
  }

  /** Writes the row of `entry`; call it in the transaction that writes the entry. */
  put(entry: JournalEntry): void {
    this.#statement(upsertSql).run(...effectLogValues(effectLogRowOf(entry)));
  }

  listEffectLog(filter: EffectLogFilter = {}): EffectLogRow[] {
    if (!this.#hasTable) return filterEffectLog(this.#journalRows(filter.threadId), filter);
    const where = new Where();
    where.add('l.thread_id = $threadId', 'threadId', filter.threadId);
    // The agent's threads first, then their rows by the primary key.
    where.add(`l.agent = $agent AND l.thread_id IN (${this.#agentThreads})`, 'agent', filter.agent);
    where.add('l.tenant_id = $tenantId', 'tenantId', filter.tenantId);
    where.add('l.kind = $kind', 'kind', filter.kind);
    where.add('l.status = $status', 'status', filter.status);
    where.add('l.model = $model', 'model', filter.model);
    where.add('l.started_at >= $since', 'since', filter.since);
    where.add('l.started_at < $until', 'until', filter.until);
    if (filter.limit !== undefined) where.parameters.limit = filter.limit;
    // Steps started in the same millisecond keep the order their journal rows were written.
    const sql = `SELECT l.* FROM effect_log l JOIN effects e ON e.thread_id = l.thread_id AND e.key = l.key
      ${where} ORDER BY l.started_at, e.seq${filter.limit === undefined ? '' : ' LIMIT $limit'}`;
    return (this.#statement(sql).all(where.parameters) as Record<string, unknown>[]).map(
      effectLogRowFromColumns,
    );
  }

  listRuns(filter: RunFilter = {}): RunSummary[] {
    if (!this.#hasTable) {
      return summariseRuns(this.#threads(), (threadId) => this.#journalRows(threadId), filter);
    }
    const where = new Where();
    where.add('t.thread_id = $threadId', 'threadId', filter.threadId);
    where.add('t.status = $status', 'status', filter.status);
    where.add(
      'substr(t.thread_id, 1, length($threadPrefix)) = $threadPrefix',
      'threadPrefix',
      filter.threadPrefix,
    );
    where.add(
      "(t.thread_id = $threadFamily OR substr(t.thread_id, 1, length($threadFamily) + 1) = $threadFamily || '/')",
      'threadFamily',
      filter.threadFamily,
    );
    where.add('t.updated_at >= $since', 'since', filter.since);
    where.add('t.updated_at < $until', 'until', filter.until);
    // Read from the agent's threads and the tenant index alone: both carry the thread id.
    where.add(`t.thread_id IN (${this.#agentThreads})`, 'agent', filter.agent);
    where.add(
      't.thread_id IN (SELECT thread_id FROM effect_log WHERE tenant_id = $tenantId)',
      'tenantId',
      filter.tenantId,
    );
    if (filter.limit !== undefined) where.parameters.limit = filter.limit;
    // The threads are picked (and limited) first; only their rows are summed, read in
    // primary-key order, so each thread's rows are grouped as they come.
    const sql = `WITH picked AS (
        SELECT t.thread_id, t.status, t.version, t.updated_at FROM threads t ${where}
        ORDER BY t.updated_at DESC, t.thread_id${filter.limit === undefined ? '' : ' LIMIT $limit'}
      ), totals AS (
        SELECT thread_id, max(agent) AS agent, max(tenant_id) AS tenant_id, count(*) AS steps,
          count(CASE WHEN kind = 'llm' AND status = 'completed' AND cached = 0 THEN 1 END) AS model_calls,
          coalesce(sum(input_tokens), 0) AS input_tokens,
          coalesce(sum(output_tokens), 0) AS output_tokens,
          coalesce(sum(cost_usd), 0) AS cost_usd,
          count(CASE WHEN status = 'failed' OR error_code IS NOT NULL THEN 1 END) AS errors,
          count(CASE WHEN kind = 'human' AND status = 'started' THEN 1 END) AS waits
        FROM effect_log WHERE thread_id IN (SELECT thread_id FROM picked) GROUP BY thread_id
      )
      SELECT p.thread_id, p.status, p.version, p.updated_at, l.agent, l.tenant_id,
        coalesce(l.steps, 0) AS steps, coalesce(l.model_calls, 0) AS model_calls,
        coalesce(l.input_tokens, 0) AS input_tokens, coalesce(l.output_tokens, 0) AS output_tokens,
        coalesce(l.cost_usd, 0) AS cost_usd, coalesce(l.errors, 0) AS errors,
        coalesce(l.waits, 0) AS waits
      FROM picked p LEFT JOIN totals l ON l.thread_id = p.thread_id
      ORDER BY p.updated_at DESC, p.thread_id`;
    return (this.#statement(sql).all(where.parameters) as Record<string, unknown>[]).map(
      runSummaryFromColumns,
    );
  }

  summariseCost(filter: CostFilter = {}, by?: CostGroupKey): Map<string, CostSummary> {
    if (!this.#hasTable) return summariseCostRows(this.#journalRows(filter.threadId), filter, by);
    const where = new Where();
    // Billed rows only, as `summariseCostRows`: a summary sent again is no call.
    where.conditions.push("kind = 'llm'", "status = 'completed'", 'input_tokens IS NOT NULL');
    where.add('thread_id = $threadId', 'threadId', filter.threadId);
    where.add('tenant_id = $tenantId', 'tenantId', filter.tenantId);
    where.add('model = $model', 'model', filter.model);
    where.add('coalesce(finished_at, started_at) >= $since', 'since', filter.since);
    where.add('coalesce(finished_at, started_at) < $until', 'until', filter.until);
    const sql = `SELECT ${costGroups[by ?? 'none']} AS grouped, count(*) AS calls,
        coalesce(sum(cached), 0) AS cached_calls, coalesce(sum(input_tokens), 0) AS input_tokens,
        coalesce(sum(output_tokens), 0) AS output_tokens, coalesce(sum(cost_usd), 0) AS cost_usd
      FROM effect_log ${where} GROUP BY grouped ORDER BY grouped`;
    const rows = this.#statement(sql).all(where.parameters) as Record<string, number | string>[];
    return new Map(
      rows.map((row) => [
        String(row.grouped),
        {
          calls: row.calls as number,
          cachedCalls: row.cached_calls as number,
          inputTokens: row.input_tokens as number,
          outputTokens: row.output_tokens as number,
          costUsd: roundUsd(row.cost_usd as number),
        },
      ]),
    );
  }

  /** Run log rows made from the journal itself (a file without the table). */
  #journalRows(threadId: string | undefined): EffectLogRow[] {
    const rows = (threadId === undefined
      ? this.#statement('SELECT * FROM effects ORDER BY seq').all()
      : this.#statement('SELECT * FROM effects WHERE thread_id = ? ORDER BY seq').all(
          threadId,
        )) as unknown as EffectRow[];
    return rows.map((row) => effectLogRowOf(lenientEntry(row)));
  }

  #threads(): ThreadHead[] {
    const rows = this.#statement(
      'SELECT thread_id, version, status, updated_at FROM threads',
    ).all() as { thread_id: string; version: number; status: RunStatus; updated_at: number }[];
    return rows.map((row) => ({
      threadId: row.thread_id,
      version: row.version,
      status: row.status,
      updatedAt: row.updated_at,
    }));
  }

  #statement(sql: string): StatementSync {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.#db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }
}
