/**
 * @module cpu-a-b
 * `pnpm --filter @agentchart/bench probe:cpu-a-b <workload> <base tree> [rounds] [runs]`: the
 * CPU time per run of one in-memory workload's agentchart variant, this tree's built packages
 * against those of another checkout (`git worktree add ../base <commit>` and `./run build`
 * there). Run it with `node --single-threaded-gc --import tsx`: with V8's helper threads the
 * process's CPU time also counts their collections, which land on either side at random.
 *
 * Each round is a fresh process that loads both trees (each tree's bench imports its own
 * packages), warms both up, then alternates them in slices of 20 runs, so a change of load on
 * a shared machine meets both; its figures are medians over its slices, and its ratio the
 * median of each back-to-back pair's. Timed with `process.cpuUsage()` (user + system: what the
 * process spent, not what it waited).
 *
 * Which tree a process loads first alternates from round to round: the one loaded second runs
 * a few per cent slower in the same process (a tree compared with itself gives 1.03–1.08),
 * so the estimate is the geometric mean of the median ratio of the rounds that load the base
 * first and of those that load it second, which cancels that bias.
 *
 * `CPU_A_B_NEW_TREE=<tree>` measures that tree instead of this one: given the base tree itself,
 * it shows what the probe reads when nothing changed.
 *
 * Workloads: `react5` (a tool loop, five tool calls), `chain10` (ten states, a promise actor
 * each), `chain10-tool` (ten states, a journaled tool call each).
 */
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { TimedRun, TimedVariant } from '../measure/timed-variant';
import { childResult, median } from './child-result';

/** The workloads this probe times: the timed workload and its agentchart variant. */
const workloads: Record<string, { workload: string; variant: string }> = {
  react5: { workload: 'react5', variant: 'agentchart (toolLoop)' },
  chain10: { workload: 'chain10 memory', variant: 'agentchart (promise actor per state)' },
  'chain10-tool': {
    workload: 'chain10 memory',
    variant: 'agentchart (toolCall per state, journaled)',
  },
};

/** The tree measured against the base: this one, or the one named after the runs (an A/A check). */
const thisTree = resolve(
  process.env.CPU_A_B_NEW_TREE ?? fileURLToPath(new URL('../../..', import.meta.url)),
);

/** Runs timed per slice: on a loaded machine the load changes within a second. */
const perSlice = 20;

/** What one round reports. */
interface Round {
  baseFirst: boolean;
  base: number;
  next: number;
  ratio: number;
}

/** One tree's built variant of the workload: its packages are that tree's builds. */
async function build(tree: string, name: string): Promise<TimedRun> {
  const { workload, variant } = workloads[name]!;
  const module = (await import(
    pathToFileURL(`${tree}/bench/src/workloads/timed-workloads.ts`).href
  )) as { timedWorkloads: Record<string, (options: object) => TimedVariant[]> };
  const found = module.timedWorkloads[workload]!({}).find((item) => item.variant === variant);
  if (!found) throw new Error(`${tree} has no variant "${variant}" of ${workload}`);
  return found.setup();
}

/** CPU µs (user + system) that `runs` runs of `built` take. */
async function cpuOf(built: TimedRun, runs: number): Promise<number> {
  const before = process.cpuUsage();
  for (let index = 0; index < runs; index++) await built.run();
  const spent = process.cpuUsage(before);
  return spent.user + spent.system;
}

/** In a round's process: both trees timed, alternated slice by slice. */
async function round(name: string, baseTree: string, baseFirst: boolean, runs: number) {
  const trees = baseFirst ? [baseTree, thisTree] : [thisTree, baseTree];
  const first = await build(trees[0]!, name);
  const second = await build(trees[1]!, name);
  const [base, next] = baseFirst ? [first, second] : [second, first];
  // Warm-up: the JIT's tiers and the heap settle before anything is timed.
  for (let index = 0; index < 500; index++) {
    await base.run();
    await next.run();
  }
  const slices = Math.max(2, Math.round(runs / perSlice));
  const baseSlices: number[] = [];
  const newSlices: number[] = [];
  const pairs: number[] = [];
  for (let slice = 0; slice < slices; slice++) {
    // Which goes first alternates too.
    const [baseSpent, newSpent] =
      slice % 2 === 0
        ? [await cpuOf(base, perSlice), await cpuOf(next, perSlice)]
        : [await cpuOf(next, perSlice), await cpuOf(base, perSlice)].reverse();
    baseSlices.push(baseSpent! / perSlice);
    newSlices.push(newSpent! / perSlice);
    pairs.push(newSpent! / baseSpent!);
  }
  await base.close?.();
  await next.close?.();
  const result: Round = {
    baseFirst,
    base: median(baseSlices),
    next: median(newSlices),
    ratio: median(pairs),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

/** Runs one round in a fresh process, with the same Node flags as this one. */
function spawnRound(name: string, baseTree: string, baseFirst: boolean, runs: number) {
  return childResult<Round>(
    fileURLToPath(import.meta.url),
    ['--round', name, baseTree, String(baseFirst), String(runs)],
    "a round's process",
  );
}

function range(values: readonly number[], digits: number): string {
  return `${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)}`;
}

async function main(): Promise<void> {
  const [name = '', baseTree, rounds = '8', runs = '1000'] = process.argv.slice(2);
  if (!workloads[name] || !baseTree) {
    throw new Error(
      `usage: cpu-a-b.ts <${Object.keys(workloads).join('|')}> <base tree> [rounds] [runs per round]`,
    );
  }
  const results: Round[] = [];
  for (let index = 0; index < Math.max(2, Number(rounds)); index++) {
    const result = await spawnRound(name, resolve(baseTree), index % 2 === 0, Number(runs));
    results.push(result);
    console.log(
      `round ${index + 1} (${result.baseFirst ? 'base' : 'new'} loaded first): base ${result.base.toFixed(0)} µs/run, new ${result.next.toFixed(0)} µs/run, new/base ${result.ratio.toFixed(3)}`,
    );
  }
  const ratios = results.map((result) => result.ratio);
  const baseFirst = median(results.filter((item) => item.baseFirst).map((item) => item.ratio));
  const newFirst = median(results.filter((item) => !item.baseFirst).map((item) => item.ratio));
  console.log(
    `${name}, ${results.length} rounds × ${Math.round(Number(runs) / perSlice) * perSlice} runs: base median ${median(results.map((item) => item.base)).toFixed(0)} µs/run (${range(
      results.map((item) => item.base),
      0,
    )}), new median ${median(results.map((item) => item.next)).toFixed(0)} µs/run (${range(
      results.map((item) => item.next),
      0,
    )}); new/base ${Math.sqrt(baseFirst * newFirst).toFixed(3)} (median ${baseFirst.toFixed(3)} loading base first, ${newFirst.toFixed(3)} loading it second; all rounds ${range(ratios, 3)})`,
  );
}

if (process.argv[2] === '--round') {
  const [name, baseTree, baseFirst, runs] = process.argv.slice(3);
  await round(name!, baseTree!, baseFirst === 'true', Number(runs));
} else {
  await main();
}
