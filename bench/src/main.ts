/**
 * @module main
 * `pnpm bench`: every workload, agentchart beside raw XState, a plain async floor and
 * LangGraph.js, in one run. Prints the results and the targets as tables and writes
 * them as JSON to bench/bench-results/. `--quick` shortens the timed workloads (a smoke run).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { machineInfo } from './measure/machine-info';
import { rowsTable, targetsTable } from './report/table';
import { evaluateTargets } from './report/targets';
import type { Row } from './types';
import { chain10Durable, chain10Memory } from './workloads/chain10/chain10';
import { checkpointWrite } from './workloads/checkpoint/checkpoint-write';
import { cacheHit } from './workloads/context/cache-hit';
import { tokenCounting } from './workloads/context/token-counting';
import { fanout } from './workloads/fanout/fanout';
import { historyGrowth } from './workloads/history/history-growth';
import { react5 } from './workloads/react5/react5';
import { suspended } from './workloads/suspended/suspended';

const quick = process.argv.includes('--quick');
const timeMs = quick ? 150 : 2100;
const machine = machineInfo();
const started = new Date();

const workloads: [string, () => Promise<Row[]>][] = [
  ['chain10 memory', () => chain10Memory({ timeMs })],
  ['chain10 durable', () => chain10Durable({ timeMs })],
  ['react5', () => react5({ timeMs })],
  ['fanout', () => fanout({ size: 1000, rounds: quick ? 2 : 5, passes: quick ? 1 : 3 })],
  ['suspended', () => suspended({ size: quick ? 1000 : 10_000, sample: 100 })],
  ['history growth', () => historyGrowth()],
  ['checkpoint write', () => checkpointWrite({ timeMs })],
  ['token counting', () => tokenCounting({ timeMs: timeMs / 2 })],
  ['cache hit', () => cacheHit({ timeMs: timeMs / 2 })],
];

const rows: Row[] = [];
for (const [name, run] of workloads) {
  process.stderr.write(`› ${name}\n`);
  const at = performance.now();
  rows.push(...(await run()));
  process.stderr.write(`  ${((performance.now() - at) / 1000).toFixed(1)} s\n`);
}
const targets = evaluateTargets(rows);

console.log(
  `\nagentchart benchmarks — ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGb} GB, Node ${machine.node}, load ${machine.loadAverage} at start${quick ? ' (quick)' : ''}\n`,
);
console.log(rowsTable(rows));
console.log(`\nTargets (issue 5), ratios from this run:\n`);
console.log(targetsTable(targets));

const directory = new URL('../bench-results/', import.meta.url);
mkdirSync(directory, { recursive: true });
const report = {
  startedAt: started.toISOString(),
  durationSeconds: Math.round((Date.now() - started.getTime()) / 100) / 10,
  command: `pnpm bench${quick ? ' --quick' : ''}`,
  machine,
  rows,
  targets,
};
const body = `${JSON.stringify(report, null, 2)}\n`;
writeFileSync(new URL(`bench-${started.toISOString().replaceAll(':', '-')}.json`, directory), body);
writeFileSync(new URL('latest.json', directory), body);
console.log(`\nJSON: bench/bench-results/latest.json (${report.durationSeconds} s)`);
