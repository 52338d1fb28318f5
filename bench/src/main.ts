/**
 * @module main
 * `pnpm bench`: every workload, agentchart beside raw XState, a plain async floor and
 * LangGraph.js, in one run. Prints the results, the growth table and the issue's targets as
 * tables and writes them as JSON to bench/bench-results/.
 *
 * - agentchart is measured as users get it: its built packages (built first, here).
 *   `--source` measures its TypeScript sources instead (through tsx, whose `keepNames`
 *   wraps every function the code creates in a `__name` call: a cost the build does not have).
 * - `--quick` shortens everything (a smoke run; its figures mean nothing).
 * - `--only <text>` runs only the workloads whose name contains the text (repeatable), to
 *   measure one change quickly; the targets table then lists only what was measured.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { measuresSource } from './measure/child-process';
import { machineInfo } from './measure/machine-info';
import { timeInProcesses } from './measure/variant-processes';
import { growthTable } from './report/growth-table';
import { rowsTable, targetsTable } from './report/table';
import { evaluateTargets } from './report/targets';
import type { Row } from './types';

const quick = process.argv.includes('--quick');
const only = process.argv.flatMap((arg, index, args) =>
  arg === '--only' && args[index + 1] !== undefined ? [args[index + 1]!] : [],
);
const source = process.argv.includes('--source');

if (source && !measuresSource()) {
  // Run again with agentchart resolved to its sources, in this process and every child.
  const { status } = spawnSync(
    process.execPath,
    [
      '--conditions=@agentchart/source',
      '--import',
      'tsx',
      fileURLToPath(import.meta.url),
      ...process.argv.slice(2),
    ],
    { stdio: 'inherit', env: { ...process.env, AGENTCHART_BENCH_SOURCE: '1' } },
  );
  process.exit(status ?? 1);
}
if (!source) {
  process.stderr.write('› building the agentchart packages the bench measures\n');
  execFileSync('pnpm', ['--filter', '@agentchart/bench^...', '--silent', 'build'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

// The in-process workloads import agentchart only now, after the build.
const { checkpointWrite } = await import('./workloads/checkpoint/checkpoint-write');
const { cacheHit } = await import('./workloads/context/cache-hit');
const { tokenCounting } = await import('./workloads/context/token-counting');
const { fanout } = await import('./workloads/fanout/fanout');
const { historyGrowth } = await import('./workloads/history/history-growth');
const { suspended } = await import('./workloads/suspended/suspended');

const timeMs = quick ? 150 : 2100;
/** Untimed runs in each timing child before its first round (see `timeInProcesses`). */
const warmupMs = quick ? 50 : 2_000;
const machine = machineInfo();
const started = new Date();

/** The growth workloads: chains of each length on each store, tool loops of each length. */
async function growth(): Promise<Row[]> {
  const growthTimeMs = quick ? 150 : 1400;
  const rows: Row[] = [];
  for (const store of ['memory', 'sqlite'] as const) {
    rows.push(
      ...(await timeInProcesses(
        'growth chain',
        {
          timeMs: growthTimeMs,
          warmupMs: warmupMs / 2,
          options: { sizes: quick ? [10, 100] : [10, 100, 1000], store },
        },
        store === 'sqlite' ? 'growth: chain, SQLite' : 'growth: chain',
      )),
    );
  }
  rows.push(
    ...(await timeInProcesses(
      'growth tool loop',
      {
        timeMs: growthTimeMs,
        warmupMs: warmupMs / 2,
        options: { sizes: quick ? [5, 50] : [5, 50, 200] },
      },
      'growth: tool loop',
    )),
  );
  return rows;
}

const workloads: [string, () => Promise<Row[]>][] = [
  ['chain10 memory', () => timeInProcesses('chain10 memory', { timeMs, warmupMs })],
  ['chain10 durable', () => timeInProcesses('chain10 durable', { timeMs, warmupMs })],
  [
    'chain10 durable, default durability',
    () => timeInProcesses('chain10 durable, default durability', { timeMs, warmupMs }),
  ],
  ['react5', () => timeInProcesses('react5', { timeMs, warmupMs })],
  ['fanout', () => fanout({ size: 1000, rounds: quick ? 2 : 5, passes: quick ? 1 : 3 })],
  ['suspended', () => suspended({ sizes: quick ? [1000] : [1000, 10_000, 50_000], sample: 100 })],
  ['growth', growth],
  ['history growth', () => historyGrowth()],
  ['checkpoint write', () => checkpointWrite({ timeMs })],
  ['token counting', () => tokenCounting({ timeMs: timeMs / 2 })],
  ['cache hit', () => cacheHit({ timeMs: timeMs / 2 })],
];

const rows: Row[] = [];
const chosen =
  only.length === 0
    ? workloads
    : workloads.filter(([name]) => only.some((text) => name.includes(text)));
for (const [name, run] of chosen) {
  process.stderr.write(`› ${name}\n`);
  const at = performance.now();
  rows.push(...(await run()));
  process.stderr.write(`  ${((performance.now() - at) / 1000).toFixed(1)} s\n`);
}
const targets = evaluateTargets(rows);
const measured = source ? 'agentchart from its sources (--source)' : 'agentchart built';

console.log(
  `\nagentchart benchmarks — ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGb} GB, Node ${machine.node}, load ${machine.loadAverage} at start, ${measured}${quick ? ' (quick)' : ''}\n`,
);
console.log(rowsTable(rows.filter((row) => !row.workload.startsWith('growth: '))));
console.log(`\nGrowth: cost per step as the state grows\n`);
console.log(growthTable(rows));
console.log(`\nTargets (issue 11), ratios from this run:\n`);
console.log(targetsTable(targets));

const directory = new URL('../bench-results/', import.meta.url);
mkdirSync(directory, { recursive: true });
const report = {
  startedAt: started.toISOString(),
  durationSeconds: Math.round((Date.now() - started.getTime()) / 100) / 10,
  command: `pnpm bench${source ? ' --source' : ''}${quick ? ' --quick' : ''}${only.map((text) => ` --only '${text}'`).join('')}`,
  machine,
  rows,
  targets,
};
const body = `${JSON.stringify(report, null, 2)}\n`;
writeFileSync(new URL(`bench-${started.toISOString().replaceAll(':', '-')}.json`, directory), body);
writeFileSync(new URL('latest.json', directory), body);
console.log(`\nJSON: bench/bench-results/latest.json (${report.durationSeconds} s)`);
