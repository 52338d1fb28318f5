/**
 * @module sqlite-statements-per-step
 * `pnpm --filter @agentchart/bench probe:sqlite-steps [runs]`: what core's `SqliteCheckpointer`
 * does per durable step of the chain10 toolCall workload: SQL statements run (by statement),
 * transactions committed, and write-ahead-log frames (pages) appended. Counts, not times:
 * the same on every machine. Statements are counted by wrapping `node:sqlite`'s statement
 * methods; frames from the WAL's size with automatic checkpoints turned off.
 */
import { readFileSync, statSync } from 'node:fs';
import { createAgent, SqliteCheckpointer } from '@agentchart/core';
import { tempDir } from '../stores/temp-dir';
import { chainLength, chainMachine, incrementToolCall } from '../workloads/chain10/chain-machine';
import { runAgentchartChain } from '../workloads/chain10/chain10';

const runs = Number(process.argv[2] ?? 50);
const sqlite = process.getBuiltinModule('node:sqlite');
const counts = new Map<string, number>();
/** µs spent in each statement (indicative only: a shared machine is noisy). */
const times = new Map<string, number>();
let counting = false;
const proto = sqlite.StatementSync.prototype as unknown as Record<
  string,
  (...args: unknown[]) => unknown
>;
for (const method of ['run', 'get', 'all', 'iterate'] as const) {
  const original = proto[method]!;
  proto[method] = function (this: { sourceSQL: string }, ...args: unknown[]) {
    if (!counting) return original.apply(this, args);
    const sql = this.sourceSQL.replace(/\s+/g, ' ').slice(0, 90);
    counts.set(sql, (counts.get(sql) ?? 0) + 1);
    const start = process.hrtime.bigint();
    try {
      return original.apply(this, args);
    } finally {
      times.set(sql, (times.get(sql) ?? 0) + Number(process.hrtime.bigint() - start) / 1000);
    }
  };
}
// Keeps every frame in the WAL, so its size counts the pages written.
const prepare = sqlite.DatabaseSync.prototype.prepare;
const tuned = new WeakSet<object>();
sqlite.DatabaseSync.prototype.prepare = function (
  this: InstanceType<typeof sqlite.DatabaseSync>,
  sql: string,
) {
  if (!tuned.has(this)) {
    tuned.add(this);
    this.exec('PRAGMA wal_autocheckpoint = 0');
  }
  return prepare.call(this, sql);
};
// The store sets its own checkpoint interval when it opens: keep it from taking effect.
const exec = sqlite.DatabaseSync.prototype.exec;
sqlite.DatabaseSync.prototype.exec = function (
  this: InstanceType<typeof sqlite.DatabaseSync>,
  sql: string,
) {
  return exec.call(this, sql.replace(/wal_autocheckpoint = \d+/, 'wal_autocheckpoint = 0'));
};

for (const synchronous of ['normal', 'full'] as const) {
  const dir = tempDir('statements');
  const path = dir.file('agentchart.db');
  const checkpointer = new SqliteCheckpointer({ path, synchronous });
  const agent = createAgent({ machine: chainMachine(incrementToolCall), checkpointer });
  await runAgentchartChain(agent, 'warm-up');
  const walBefore = statSync(`${path}-wal`).size;
  // The WAL header's page size (bytes 8-11): the store picks it when it creates the file.
  const pageSize = readFileSync(`${path}-wal`).readUInt32BE(8);
  counts.clear();
  times.clear();
  counting = true;
  for (let index = 0; index < runs; index++) await runAgentchartChain(agent, 'probe');
  counting = false;
  const frames = (statSync(`${path}-wal`).size - walBefore) / (pageSize + 24);
  const steps = runs * chainLength;
  const total = [...counts.values()].reduce((sum, count) => sum + count, 0);
  console.log(`synchronous '${synchronous}': ${runs} runs of ${chainLength} steps`);
  console.log(
    `  statements per step ${(total / steps).toFixed(2)}, commits per step ${((counts.get('COMMIT') ?? 0) / steps).toFixed(2)}, WAL frames (pages of ${pageSize} bytes) per step ${(frames / steps).toFixed(2)} (${((frames * pageSize) / steps / 1024).toFixed(1)} KB)`,
  );
  for (const [sql, count] of [...counts.entries()].sort((a, b) => b[1] - a[1])) {
    console.log(
      `  ${(count / steps).toFixed(2).padStart(6)}  ${((times.get(sql) ?? 0) / steps).toFixed(1).padStart(6)} µs  ${sql}`,
    );
  }
  // Which B-tree each appended frame's page belongs to (SQLite's dbstat table).
  const wal = readFileSync(`${path}-wal`);
  const pageOwner = new Map<number, string>();
  const reader = new sqlite.DatabaseSync(path, { readOnly: true });
  for (const row of reader.prepare('SELECT name, pageno FROM dbstat').all() as {
    name: string;
    pageno: number;
  }[]) {
    pageOwner.set(row.pageno, row.name);
  }
  reader.close();
  const byTree = new Map<string, number>();
  for (let offset = walBefore; offset + 24 + pageSize <= wal.length; offset += 24 + pageSize) {
    const page = wal.readUInt32BE(offset);
    const owner = page === 1 ? 'page 1 (header, schema)' : (pageOwner.get(page) ?? 'free');
    byTree.set(owner, (byTree.get(owner) ?? 0) + 1);
  }
  console.log('  WAL frames per step, by B-tree:');
  for (const [tree, count] of [...byTree.entries()].sort((a, b) => b[1] - a[1])) {
    console.log(`  ${(count / steps).toFixed(2).padStart(6)}  ${tree}`);
  }
  checkpointer.close();
  dir.remove();
}
