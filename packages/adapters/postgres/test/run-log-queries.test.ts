/**
 * The example SQL of docs/observability.md ("The run log"), run as it is written there against
 * a SQLite file and a PostgreSQL database the stores wrote, and checked against the same
 * figures computed here from the journal records by hand.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { fileURLToPath } from 'node:url';
import { type EffectLogRow, type JournalEntry, SqliteCheckpointer } from '@agentchart/core';
import { effectLogRowOf, utcDay } from '@agentchart/core/internal';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresCheckpointer } from '../src/postgres-checkpointer';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../src/testing/throwaway-postgres';

const docs = fileURLToPath(new URL('../../../../docs/observability.md', import.meta.url));

/** The ```sql blocks of the doc, by the name on their first line (`-- name`). */
function documentedQueries(): Map<string, string> {
  const queries = new Map<string, string>();
  for (const [, sql] of readFileSync(docs, 'utf8').matchAll(/```sql\n([\s\S]*?)```/g)) {
    const name = /^-- (.+)\n/.exec(sql ?? '')?.[1];
    if (name) queries.set(name, sql!);
  }
  return queries;
}

const day1 = Date.UTC(2026, 2, 1, 8);
const day2 = Date.UTC(2026, 2, 2, 8);
const states = ['review.classifying', 'researching', 'writing'];

/** A varied journal: model calls on two days by two agents (cached, escalated, retried, failed), tools, waits. */
function journal(): JournalEntry[] {
  const entries: JournalEntry[] = [];
  for (let index = 0; index < 40; index++) {
    const model = index % 4 === 0 ? 'gpt-4o' : 'gpt-4o-mini';
    const startedAt = (index < 20 ? day1 : day2) + index * 1_000;
    const latencyMs = 100 + ((index * 37) % 900);
    const cached = index % 5 === 0;
    const failed = index % 11 === 10;
    const tokens = { inputTokens: 100 + index * 3, outputTokens: 20 + index };
    entries.push({
      threadId: `thread-${index % 6}`,
      key: `call#${index}/0:llm`,
      site: 'call',
      kind: 'llm',
      effect: 'idempotent',
      name: model,
      status: failed ? 'failed' : 'completed',
      startedAt,
      finishedAt: startedAt + latencyMs,
      meta: {
        agent: index % 2 ? 'research' : 'triage',
        state: states[index % 3],
        tenantId: 'acme',
        requestHash: `hash-${index}`,
        endpoint: `openai:${model}`,
        latencyMs,
        ...(index % 7 === 0
          ? { escalation: { from: 'gpt-4o-mini', reason: 'low_confidence' } }
          : {}),
      },
      ...(failed
        ? { error: { name: 'ModelCallError', code: 'model.rate_limited', message: '429' } }
        : {
            output: {
              response: { content: '{}', toolCalls: [], usage: tokens, finishReason: 'stop' },
              model,
              attempts: index % 6 === 0 ? 3 : index % 4 === 1 ? 2 : 1,
              costUsd: cached ? 0 : (tokens.inputTokens * 0.15 + tokens.outputTokens * 0.6) / 1e6,
              cached,
            },
          }),
    });
  }
  for (let index = 0; index < 10; index++) {
    const startedAt = day2 + 100_000 + index * 1_000;
    const latencyMs = 20 + index * index * 7;
    entries.push({
      threadId: `thread-${index % 3}`,
      key: `research#${index}/1:tool:lookup`,
      site: 'research',
      kind: 'tool',
      effect: 'pure',
      name: 'lookup',
      status: index === 9 ? 'failed' : 'completed',
      startedAt,
      finishedAt: startedAt + latencyMs,
      meta: { agent: 'research', state: 'researching', latencyMs, inputHash: `input-${index}` },
      ...(index === 9
        ? { error: { name: 'RunError', code: 'tool.timeout', message: 'slow' } }
        : { output: { hits: index } }),
    });
  }
  for (const [index, status] of (['completed', 'completed', 'started'] as const).entries()) {
    entries.push({
      threadId: 'thread-0',
      key: `approve#${index}/0:human`,
      site: 'approve',
      kind: 'human',
      effect: 'pure',
      name: 'human',
      status,
      startedAt: day2 + 200_000 + index,
      ...(status === 'completed'
        ? { finishedAt: day2 + 3_800_000, output: { approved: true } }
        : {}),
      meta: {
        agent: 'triage',
        state: 'approving',
        ...(status === 'completed' ? { latencyMs: 3_600_000 } : {}),
      },
    });
  }
  entries.push({ ...entries[1]!, key: 'call#in-flight/0:llm', status: 'started' });
  return entries.map((entry) => {
    if (entry.status !== 'started') return entry;
    const { finishedAt: _, output: __, error: ___, ...started } = entry;
    const { latencyMs: ____, ...meta } = started.meta ?? {};
    return { ...started, meta };
  });
}

/** Groups `rows` by `key` and maps each group, ordered by the keys. */
function grouped(
  rows: EffectLogRow[],
  key: (row: EffectLogRow) => string[],
  summary: (rows: EffectLogRow[], key: string[]) => unknown[],
): unknown[][] {
  const groups = new Map<string, EffectLogRow[]>();
  for (const row of rows) {
    const id = JSON.stringify(key(row));
    groups.set(id, [...(groups.get(id) ?? []), row]);
  }
  return [...groups]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([id, members]) => summary(members, JSON.parse(id) as string[]));
}

const sum = (rows: EffectLogRow[], value: (row: EffectLogRow) => number) =>
  rows.reduce((total, row) => total + value(row), 0);

/** What each documented query must answer, computed from the rows in plain code. */
function expectedAnswers(rows: EffectLogRow[]): Record<string, unknown[][]> {
  const calls = rows.filter((row) => row.kind === 'llm' && row.status === 'completed');
  const costPerDay = grouped(
    calls,
    (row) => [utcDay(row.startedAt), row.agent!],
    (members, [day, agent]) => [
      day,
      agent,
      members.length,
      sum(members, (row) => row.inputTokens! + row.outputTokens!),
      sum(members, (row) => row.costUsd!),
    ],
  );
  const timed = rows.filter(
    (row) => (row.kind === 'llm' || row.kind === 'tool') && row.latencyMs !== null,
  );
  const p95 = grouped(
    timed,
    (row) => [row.state!, row.kind],
    (members, [state, kind]) => {
      const latencies = members.map((row) => row.latencyMs!).sort((a, b) => a - b);
      return [state, kind, latencies.length, latencies[Math.ceil(0.95 * latencies.length) - 1]];
    },
  );
  const escalation = grouped(
    calls,
    (row) => [row.agent!, row.state!],
    (members, [agent, state]) => {
      const escalations = members.filter((row) => row.escalated).length;
      return [
        agent,
        state,
        members.length,
        escalations,
        escalations / (members.length - escalations),
      ];
    },
  );
  const cache = grouped(
    calls,
    (row) => [row.model!],
    (members, [model]) => {
      const hits = members.filter((row) => row.cached).length;
      return [model, members.length, hits, hits / members.length];
    },
  );
  const retries = grouped(
    rows.filter((row) => row.kind === 'llm' && !row.cached && row.status !== 'started'),
    (row) => [row.endpoint!],
    (members, [endpoint]) => {
      const retried = sum(members, (row) => (row.attempts ?? 1) - 1);
      const failed = members.filter((row) => row.status === 'failed').length;
      return [endpoint, members.length, failed, retried, retried / members.length];
    },
  ).sort(
    (a, b) => (b[3] as number) - (a[3] as number) || ((a[0] as string) < (b[0] as string) ? -1 : 1),
  );
  const total = [
    [
      sum(rows, (row) => row.costUsd ?? 0),
      sum(rows, (row) => (row.inputTokens ?? 0) + (row.outputTokens ?? 0)),
    ],
  ];
  return {
    'cost per day per agent': costPerDay,
    'p95 latency per state': p95,
    'escalation rate': escalation,
    'cache hit rate': cache,
    'retries per endpoint': retries,
    'total cost and tokens': total,
  };
}

/** A result row as plain values: numbers the driver returns as text made numbers, rounded. */
function normalised(rows: Record<string, unknown>[]): unknown[][] {
  return rows.map((row) =>
    Object.values(row).map((value) => {
      const number =
        typeof value === 'string' && /^-?\d+(\.\d+)?(e-?\d+)?$/.test(value) ? Number(value) : value;
      return typeof number === 'number' ? Number(number.toPrecision(10)) : number;
    }),
  );
}

const answersOf = (expected: Record<string, unknown[][]>, name: string) =>
  normalised(
    (expected[name.replace(/ \((SQLite|PostgreSQL)\)$/, '')] ?? []).map((values) =>
      Object.fromEntries(values.map((value, index) => [index, value])),
    ),
  );

let dir: string;
let server: ThrowawayPostgres | undefined;
const entries = journal();
const expected = expectedAnswers(entries.map(effectLogRowOf));
const queries = documentedQueries();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'agentchart-docs-sql-'));
  const sqlite = new SqliteCheckpointer({ path: join(dir, 'runs.db'), synchronous: 'normal' });
  server = await startThrowawayPostgres();
  const postgres = new PostgresCheckpointer({ connectionString: server.connectionString });
  for (const entry of entries) {
    await sqlite.putEffect(entry);
    await postgres.putEffect(entry);
  }
  sqlite.close();
  await postgres.close();
});

afterAll(() => {
  server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('the run log queries of docs/observability.md', () => {
  it('documents the five queries of the issue, and the totals the demo prints', () => {
    expect([...queries.keys()].sort()).toEqual([
      'cache hit rate',
      'cost per day per agent (PostgreSQL)',
      'cost per day per agent (SQLite)',
      'escalation rate',
      'p95 latency per state',
      'retries per endpoint',
      'total cost and tokens',
    ]);
    // The data exercises each of them: more than one group, and rates that are not all 0.
    expect(expected['cost per day per agent']).toHaveLength(4);
    expect(expected['escalation rate']?.some((row) => (row[3] as number) > 0)).toBe(true);
    expect(expected['cache hit rate']?.some((row) => (row[2] as number) > 0)).toBe(true);
    expect(expected['retries per endpoint']?.some((row) => (row[2] as number) > 0)).toBe(true);
  });

  it('answers each on a SQLite file the store wrote', () => {
    const db = new DatabaseSync(join(dir, 'runs.db'), { readOnly: true });
    try {
      for (const [name, sql] of queries) {
        if (name.endsWith('(PostgreSQL)')) continue;
        const rows = db.prepare(sql).all() as Record<string, unknown>[];
        expect({ name, rows: normalised(rows) }).toEqual({ name, rows: answersOf(expected, name) });
      }
    } finally {
      db.close();
    }
  });

  it('answers each on a PostgreSQL database the store wrote', async () => {
    const client = new pg.Client({ connectionString: server?.connectionString });
    await client.connect();
    try {
      for (const [name, sql] of queries) {
        if (name.endsWith('(SQLite)')) continue;
        const { rows } = await client.query(sql);
        expect({ name, rows: normalised(rows) }).toEqual({ name, rows: answersOf(expected, name) });
      }
    } finally {
      await client.end();
    }
  });
});
