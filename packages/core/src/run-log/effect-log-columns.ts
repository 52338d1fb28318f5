import { roundUsd } from '../cost/usd';
import type { RunStatus } from '../store/types';
import { openWaits } from './summarise-rows';
import type { EffectLogRow, RunSummary } from './types';

/** One column of `effect_log`: its name, the row field it holds and its type per database. */
export interface EffectLogColumn {
  name: string;
  field: keyof EffectLogRow;
  sqlite: string;
  postgres: string;
  /**
   * Set by a step's first record and the same in every later one (its key, agent, state,
   * tenant, start): a later record's write leaves it — and the indexes over it — alone.
   */
  fixed: boolean;
}

const column = (
  name: string,
  field: keyof EffectLogRow,
  sqlite: string,
  postgres: string,
  fixed = false,
): EffectLogColumn => ({ name, field, sqlite, postgres, fixed });

/** The columns a later record of the same step may change: what an upsert's update sets. */
export function effectLogChangingColumns(): string[] {
  return effectLogColumns.filter((column) => !column.fixed).map((column) => column.name);
}

/**
 * The columns of the run log table, in order, as every SQL store creates and writes them.
 * Flags (`cached`, `escalated`) are integers 0/1 in both databases, so the same SQL
 * (`avg(cached)`, `sum(escalated)`) runs on SQLite and PostgreSQL.
 */
export const effectLogColumns: readonly EffectLogColumn[] = [
  column('thread_id', 'threadId', 'TEXT NOT NULL', 'text NOT NULL', true),
  column('key', 'key', 'TEXT NOT NULL', 'text NOT NULL', true),
  column('site', 'site', 'TEXT NOT NULL', 'text NOT NULL', true),
  column('agent', 'agent', 'TEXT', 'text', true),
  column('state', 'state', 'TEXT', 'text', true),
  column('kind', 'kind', 'TEXT NOT NULL', 'text NOT NULL', true),
  column('name', 'name', 'TEXT NOT NULL', 'text NOT NULL', true),
  column('status', 'status', 'TEXT NOT NULL', 'text NOT NULL'),
  column('model', 'model', 'TEXT', 'text'),
  column('endpoint', 'endpoint', 'TEXT', 'text'),
  column('prompt_id', 'promptId', 'TEXT', 'text'),
  column('prompt_version', 'promptVersion', 'TEXT', 'text'),
  column('input_hash', 'inputHash', 'TEXT', 'text'),
  column('input_tokens', 'inputTokens', 'INTEGER', 'integer'),
  column('output_tokens', 'outputTokens', 'INTEGER', 'integer'),
  column('cost_usd', 'costUsd', 'REAL', 'double precision'),
  column('latency_ms', 'latencyMs', 'REAL', 'double precision'),
  column('attempts', 'attempts', 'INTEGER', 'integer'),
  column('cached', 'cached', 'INTEGER NOT NULL', 'integer NOT NULL'),
  column('confidence', 'confidence', 'REAL', 'double precision'),
  column('escalated', 'escalated', 'INTEGER NOT NULL', 'integer NOT NULL'),
  column('error_code', 'errorCode', 'TEXT', 'text'),
  column('tenant_id', 'tenantId', 'TEXT', 'text', true),
  column('started_at', 'startedAt', 'INTEGER NOT NULL', 'double precision NOT NULL', true),
  column('finished_at', 'finishedAt', 'INTEGER', 'double precision'),
];

/** A row's values in {@link effectLogColumns} order, flags as 0/1, for an INSERT. */
export function effectLogValues(row: EffectLogRow): (string | number | null)[] {
  return effectLogColumns.map(({ field }) => {
    const value = row[field];
    return typeof value === 'boolean' ? Number(value) : value;
  });
}

/** A row as an SQL driver returns it (column names as keys, flags as numbers) made typed. */
export function effectLogRowFromColumns(record: Record<string, unknown>): EffectLogRow {
  const row: Record<string, unknown> = {};
  for (const { name, field } of effectLogColumns) {
    const value = record[name];
    row[field] =
      field === 'cached' || field === 'escalated' ? Number(value) === 1 : (value ?? null);
  }
  return row as unknown as EffectLogRow;
}

/**
 * A {@link RunSummary} from a row of a store's run list query, whose columns are named as
 * the summary's fields in snake case (`thread_id`, `model_calls`, `cost_usd` …): the one
 * reading every SQL store shares.
 */
export function runSummaryFromColumns(row: Record<string, unknown>): RunSummary {
  return {
    threadId: row.thread_id as string,
    status: row.status as RunStatus,
    version: Number(row.version),
    updatedAt: Number(row.updated_at),
    agent: (row.agent as string | null) ?? null,
    tenantId: (row.tenant_id as string | null) ?? null,
    steps: Number(row.steps),
    modelCalls: Number(row.model_calls),
    inputTokens: Number(row.input_tokens),
    outputTokens: Number(row.output_tokens),
    // A database's sum carries the noise of float addition: rounded as every cost is.
    costUsd: roundUsd(Number(row.cost_usd)),
    errors: Number(row.errors),
    waits: openWaits(row.status as RunStatus, Number(row.waits)),
  };
}
