/**
 * @module sqlite-bytes-per-waiting-run
 * `pnpm --filter @agentchart/bench probe:waiting-bytes [runs]`: puts `runs` runs of the
 * suspended workload (prepare → a human approval → finish) to wait at once on core's
 * `SqliteCheckpointer` with createAgent's defaults, then reads from SQLite's `dbstat` what the
 * file holds per waiting run, by table and index, and how each checkpoint version was
 * encoded (a full state or a delta). Counts, not times: the same on every machine.
 */
import { DatabaseSync } from 'node:sqlite';
import { SqliteCheckpointer } from '@agentchart/core';
import { tempDir } from '../stores/temp-dir';
import { agentchartSuspended } from '../workloads/suspended/suspended-agentchart';

const runs = Number(process.argv[2] ?? 1_000);
const dir = tempDir('waiting-bytes');
const path = dir.file('agentchart.db');
const checkpointer = new SqliteCheckpointer({ path });
try {
  await agentchartSuspended({ checkpointer }).suspend(
    Array.from({ length: runs }, (_, index) => `thread-${index}`),
  );
} finally {
  checkpointer.close();
}
const db = new DatabaseSync(path, { readOnly: true });
const trees = db
  .prepare('SELECT name, sum(payload) AS payload FROM dbstat GROUP BY name ORDER BY 2 DESC')
  .all() as { name: string; payload: number }[];
const total = trees.reduce((sum, tree) => sum + tree.payload, 0);
console.log(`${runs} runs waiting at once: ${(total / runs).toFixed(0)} B of payload per run`);
for (const { name, payload } of trees.filter((tree) => tree.payload > 0)) {
  console.log(`  ${(payload / runs).toFixed(0).padStart(6)} B  ${name}`);
}
const encodings = db
  .prepare(
    'SELECT version, encoding, count(*) AS count, avg(length(state)) AS bytes FROM checkpoints GROUP BY version, encoding ORDER BY version, encoding',
  )
  .all() as { version: number; encoding: string; count: number; bytes: number }[];
console.log('checkpoints by version and encoding:');
for (const { version, encoding, count, bytes } of encodings) {
  console.log(
    `  v${version} ${encoding.padEnd(5)} ${String(count).padStart(6)} rows, ${bytes.toFixed(0)} B each`,
  );
}
db.close();
dir.remove();
