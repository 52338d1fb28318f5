import {
  CheckpointError,
  type CostFilter,
  type CostGroupKey,
  type CostSummary,
  type EffectLogFilter,
  type EffectLogRow,
  type JournalEntry,
  type RunFilter,
  type RunSummary,
} from '@agentchart/core';
import { roundUsd } from '@agentchart/core/cost';
import {
  effectLogChangingColumns,
  effectLogColumns,
  effectLogRowFromColumns,
  effectLogRowOf,
  effectLogValues,
  runSummaryFromColumns,
} from '@agentchart/core/internal';
import type pg from 'pg';

/** The comment that marks the run log table as agentchart's. */
const ownComment = 'agentchart run log: one row per effect step, written with its journal row';

/** The tables the run log reads and writes, as qualified SQL names. */
export interface RunLogTables {
  /** The run log, `effect_log`. */
  log: string;
  effects: string;
  /** `agentchart_threads`: each thread's newest version, status and time. */
  threads: string;
}

const names = effectLogColumns.map((column) => column.name);

/**
 * The columns of a journal write's run log row, after the 7 parameters of the journal row:
 * `$8 … $32`, in {@link effectLogColumns} order.
 */
export function runLogUpsert(log: string, firstParameter: number): string {
  const updates = effectLogChangingColumns()
    .map((name) => `${name} = excluded.${name}`)
    .join(', ');
  const values = effectLogColumns
    .map(
      (column, index) => `$${firstParameter + index}::${column.postgres.replace(' NOT NULL', '')}`,
    )
    .join(', ');
  return `INSERT INTO ${log} (${names.join(', ')}) SELECT ${values} FROM written
    ON CONFLICT (thread_id, key) DO UPDATE SET ${updates}`;
}

/** The values of `entry`'s run log row, for {@link runLogUpsert}'s parameters. */
export function runLogValues(entry: JournalEntry): (string | number | null)[] {
  return effectLogValues(effectLogRowOf(entry));
}

/**
 * Creates the run log table (with the caller's transaction) and, when it did not exist,
 * fills it from the journal. A table of that name that agentchart did not create is refused,
 * not written into. Each row references its journal row and goes when that row is deleted.
 */
export async function createRunLogTable(
  client: pg.PoolClient,
  tables: RunLogTables,
): Promise<void> {
  const { log, effects } = tables;
  const { rows } = await client.query<{ exists: boolean; comment: string | null }>(
    `SELECT to_regclass($1) IS NOT NULL AS exists, obj_description(to_regclass($1), 'pg_class') AS comment`,
    [log],
  );
  const found = rows[0];
  if (found?.exists && found.comment !== ownComment) {
    throw new CheckpointError(
      'checkpoint.foreign_database',
      '',
      `PostgreSQL already has a table ${log} that agentchart did not create, so the run log was not written into it. Give the checkpointer a schema of its own (new PostgresCheckpointer({ schema: 'agentchart', ... })), or rename that table.`,
    );
  }
  if (found?.exists) return;
  await client.query(`CREATE TABLE ${log} (
    ${effectLogColumns.map((column) => `${column.name} ${column.postgres}`).join(',\n    ')},
    PRIMARY KEY (thread_id, key),
    FOREIGN KEY (thread_id, key) REFERENCES ${effects} (thread_id, key) ON DELETE CASCADE)`);
  await client.query(`COMMENT ON TABLE ${log} IS '${ownComment}'`);
  // The thread id rides along in the agent and tenant indexes: "which threads" reads them only.
  await client.query(`CREATE INDEX effect_log_by_time ON ${log} (started_at)`);
  await client.query(
    `CREATE INDEX effect_log_by_agent ON ${log} (agent, started_at) INCLUDE (thread_id)`,
  );
  await client.query(
    `CREATE INDEX effect_log_by_tenant ON ${log} (tenant_id, started_at) INCLUDE (thread_id)`,
  );
  await backfillRunLog(client, tables);
}

/** Journal rows read, and run log rows written, per statement of the backfill. */
const backfillBatch = 1_000;

/**
 * Fills a new run log from the journal, a page of rows per read and per insert: a journal of
 * a million rows costs two thousand statements, none of them long, not a million round trips
 * or one read that outlasts the pool's `queryTimeoutMs`.
 */
async function backfillRunLog(client: pg.PoolClient, { log, effects }: RunLogTables) {
  for (let after = '0'; ; ) {
    // A bigint comes back as text (pg's default): exact whatever its size.
    const { rows } = await client.query<{ seq: string; entry: string }>(
      `SELECT seq, entry FROM ${effects} WHERE seq > $1 ORDER BY seq LIMIT ${backfillBatch}`,
      [after],
    );
    if (rows.length === 0) return;
    after = rows.at(-1)!.seq;
    const values: (string | number | null)[] = [];
    const tuples: string[] = [];
    for (const { entry } of rows) {
      let parsed: JournalEntry;
      try {
        parsed = JSON.parse(entry);
      } catch {
        continue;
      }
      const first = values.length;
      values.push(...runLogValues(parsed));
      tuples.push(`(${names.map((_, index) => `$${first + index + 1}`).join(', ')})`);
    }
    if (tuples.length === 0) continue;
    await client.query(
      `INSERT INTO ${log} (${names.join(', ')}) VALUES ${tuples.join(', ')}`,
      values,
    );
  }
}

/** Conditions and their positional parameters, built from the filter fields that are set. */
class Where {
  readonly conditions: string[] = [];
  readonly values: unknown[] = [];

  /** Adds `condition`, whose `?` stands for `value`, when `value` is set. */
  add(condition: string, value: unknown): void {
    if (value === undefined) return;
    this.values.push(value);
    this.conditions.push(condition.replaceAll('?', `$${this.values.length}`));
  }

  /** A parameter for a clause other than the WHERE (a LIMIT). */
  parameter(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }

  toString(): string {
    return this.conditions.length === 0 ? '' : `WHERE ${this.conditions.join(' AND ')}`;
  }
}

const finished = 'coalesce(finished_at, started_at)';
const costGroups: Record<CostGroupKey | 'none', string> = {
  none: "''",
  threadId: 'thread_id',
  tenantId: "coalesce(tenant_id, '')",
  model: "coalesce(model, '')",
  day: `to_char(to_timestamp(${finished} / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD')`,
};

/** The run log's queries on PostgreSQL (see `RunLog` in `@agentchart/core/run-log`). */
export class PostgresRunLog {
  readonly #pool: pg.Pool;
  readonly #tables: RunLogTables;

  constructor(pool: pg.Pool, tables: RunLogTables) {
    this.#pool = pool;
    this.#tables = tables;
  }

  async listEffectLog(filter: EffectLogFilter = {}): Promise<EffectLogRow[]> {
    const where = new Where();
    where.add('l.thread_id = ?', filter.threadId);
    where.add('l.agent = ?', filter.agent);
    where.add('l.tenant_id = ?', filter.tenantId);
    where.add('l.kind = ?', filter.kind);
    where.add('l.status = ?', filter.status);
    where.add('l.model = ?', filter.model);
    where.add('l.started_at >= ?', filter.since);
    where.add('l.started_at < ?', filter.until);
    const limit = filter.limit === undefined ? '' : ` LIMIT ${where.parameter(filter.limit)}`;
    // Steps started in the same millisecond keep the order their journal rows were written.
    const { rows } = await this.#pool.query(
      `SELECT l.* FROM ${this.#tables.log} l
       JOIN ${this.#tables.effects} e ON e.thread_id = l.thread_id AND e.key = l.key
       ${where} ORDER BY l.started_at, e.seq${limit}`,
      where.values,
    );
    return rows.map(effectLogRowFromColumns);
  }

  async listRuns(filter: RunFilter = {}): Promise<RunSummary[]> {
    const { log, threads } = this.#tables;
    const where = new Where();
    where.add('t.thread_id = ?', filter.threadId);
    where.add('t.status = ?', filter.status);
    where.add('starts_with(t.thread_id, ?)', filter.threadPrefix);
    where.add("(t.thread_id = ? OR starts_with(t.thread_id, ? || '/'))", filter.threadFamily);
    where.add('t.updated_at >= ?', filter.since);
    where.add('t.updated_at < ?', filter.until);
    where.add(`t.thread_id IN (SELECT thread_id FROM ${log} WHERE agent = ?)`, filter.agent);
    where.add(`t.thread_id IN (SELECT thread_id FROM ${log} WHERE tenant_id = ?)`, filter.tenantId);
    const limit = filter.limit === undefined ? '' : ` LIMIT ${where.parameter(filter.limit)}`;
    const { rows } = await this.#pool.query<Record<string, unknown>>(
      `WITH picked AS (
         SELECT t.thread_id, t.version, t.status, t.updated_at FROM ${threads} t ${where}
         ORDER BY t.updated_at DESC, t.thread_id${limit}
       )
       SELECT p.thread_id, p.status, p.version, p.updated_at,
         max(l.agent) AS agent, max(l.tenant_id) AS tenant_id, count(l.key)::int AS steps,
         count(*) FILTER (WHERE l.kind = 'llm' AND l.status = 'completed' AND l.cached = 0)::int AS model_calls,
         coalesce(sum(l.input_tokens), 0)::float8 AS input_tokens,
         coalesce(sum(l.output_tokens), 0)::float8 AS output_tokens,
         coalesce(sum(l.cost_usd), 0)::float8 AS cost_usd,
         count(*) FILTER (WHERE l.status = 'failed' OR l.error_code IS NOT NULL)::int AS errors,
         count(*) FILTER (WHERE l.kind = 'human' AND l.status = 'started')::int AS waits
       FROM picked p LEFT JOIN ${log} l ON l.thread_id = p.thread_id
       GROUP BY p.thread_id, p.status, p.version, p.updated_at
       ORDER BY p.updated_at DESC, p.thread_id`,
      where.values,
    );
    return rows.map(runSummaryFromColumns);
  }

  async summariseCost(
    filter: CostFilter = {},
    by?: CostGroupKey,
  ): Promise<Map<string, CostSummary>> {
    const where = new Where();
    // Billed rows only, as `summariseCostRows`: a summary sent again is no call.
    where.conditions.push("kind = 'llm'", "status = 'completed'", 'input_tokens IS NOT NULL');
    where.add('thread_id = ?', filter.threadId);
    where.add('tenant_id = ?', filter.tenantId);
    where.add('model = ?', filter.model);
    where.add(`${finished} >= ?`, filter.since);
    where.add(`${finished} < ?`, filter.until);
    const { rows } = await this.#pool.query<Record<string, unknown>>(
      `SELECT ${costGroups[by ?? 'none']} AS grouped, count(*)::int AS calls,
         coalesce(sum(cached), 0)::int AS cached_calls,
         coalesce(sum(input_tokens), 0)::float8 AS input_tokens,
         coalesce(sum(output_tokens), 0)::float8 AS output_tokens,
         coalesce(sum(cost_usd), 0)::float8 AS cost_usd
       FROM ${this.#tables.log} ${where} GROUP BY grouped ORDER BY grouped`,
      where.values,
    );
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
}
