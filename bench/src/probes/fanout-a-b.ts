/**
 * @module fanout-a-b
 * `pnpm --filter @agentchart/bench probe:fanout-a-b <base tree> [processes] [rounds]`: the wall
 * and CPU time of one fanout round (1,000 concurrent runs, each prepare → a 50 ms
 * `structuredCall` → finish), this tree's built packages against those of another checkout
 * (`git worktree add ../base <commit>` and `./run build` there). `probe:cpu-a-b` takes only
 * sequential runs; a fanout's cost is its runs in flight at once.
 *
 * Each process loads both trees (each tree's bench imports its own packages), warms both up
 * for 2 s of full rounds, then alternates them round by round, which goes first alternating
 * too, so a change of load on a shared machine meets both; its ratios are the medians of
 * each back-to-back pair's. Which tree a process loads first alternates from process to
 * process, and the estimate is the geometric mean of the medians of both orders (see
 * `cpu-a-b`). `FANOUT_A_B_NEW_TREE=<tree>` measures that tree instead of this one (an A/A
 * check when it is the base).
 */
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { childResult, median } from './child-result';

type Round = (size: number) => Promise<void>;

/** The tree measured against the base: this one, or the one named in the environment. */
const thisTree = resolve(
  process.env.FANOUT_A_B_NEW_TREE ?? fileURLToPath(new URL('../../..', import.meta.url)),
);

/** Runs per round: the bench's fanout size. */
const size = 1000;

/** What one process reports: medians over its rounds, and of its pairs' ratios. */
interface Process {
  baseFirst: boolean;
  baseWall: number;
  newWall: number;
  baseCpu: number;
  newCpu: number;
  wallRatio: number;
  cpuRatio: number;
}

async function load(tree: string): Promise<Round> {
  const module = (await import(
    pathToFileURL(`${tree}/bench/src/workloads/fanout/fanout-agentchart.ts`).href
  )) as { agentchartFanout: (size: number) => Promise<void> };
  return (runs) => module.agentchartFanout(runs);
}

/** Wall ms and CPU ms (user + system) of one round. */
async function time(round: Round): Promise<{ wall: number; cpu: number }> {
  const cpu = process.cpuUsage();
  const wall = performance.now();
  await round(size);
  const spent = process.cpuUsage(cpu);
  return { wall: performance.now() - wall, cpu: (spent.user + spent.system) / 1000 };
}

async function inProcess(baseTree: string, baseFirst: boolean, rounds: number): Promise<void> {
  const first = await load(baseFirst ? baseTree : thisTree);
  const second = await load(baseFirst ? thisTree : baseTree);
  const [base, next] = baseFirst ? [first, second] : [second, first];
  // Warm-up: 2 s of full rounds each, as the bench's fanout children run before timing.
  for (const started = performance.now(); performance.now() - started < 4000; ) {
    await base(size);
    await next(size);
  }
  const walls: [number[], number[]] = [[], []];
  const cpus: [number[], number[]] = [[], []];
  const wallRatios: number[] = [];
  const cpuRatios: number[] = [];
  for (let index = 0; index < rounds; index++) {
    const a = index % 2 === 0 ? await time(base) : undefined;
    const b = await time(next);
    const baseTimed = a ?? (await time(base));
    walls[0].push(baseTimed.wall);
    walls[1].push(b.wall);
    cpus[0].push(baseTimed.cpu);
    cpus[1].push(b.cpu);
    wallRatios.push(b.wall / baseTimed.wall);
    cpuRatios.push(b.cpu / baseTimed.cpu);
  }
  const result: Process = {
    baseFirst,
    baseWall: median(walls[0]),
    newWall: median(walls[1]),
    baseCpu: median(cpus[0]),
    newCpu: median(cpus[1]),
    wallRatio: median(wallRatios),
    cpuRatio: median(cpuRatios),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

function spawnProcess(baseTree: string, baseFirst: boolean, rounds: number) {
  return childResult<Process>(
    fileURLToPath(import.meta.url),
    ['--process', baseTree, String(baseFirst), String(rounds)],
    'a process',
  );
}

function range(values: readonly number[]): string {
  return `${Math.min(...values).toFixed(3)}–${Math.max(...values).toFixed(3)}`;
}

/** The geometric mean of the medians of the processes that loaded the base first and second. */
function estimate(results: readonly Process[], of: (result: Process) => number): string {
  const baseFirst = median(results.filter((item) => item.baseFirst).map(of));
  const newFirst = median(results.filter((item) => !item.baseFirst).map(of));
  return `${Math.sqrt(baseFirst * newFirst).toFixed(3)} (all processes ${range(results.map(of))})`;
}

async function main(): Promise<void> {
  const [baseTree, processes = '4', rounds = '12'] = process.argv.slice(2);
  if (!baseTree) throw new Error('usage: fanout-a-b.ts <base tree> [processes] [rounds]');
  const results: Process[] = [];
  for (let index = 0; index < Math.max(2, Number(processes)); index++) {
    const result = await spawnProcess(resolve(baseTree), index % 2 === 0, Number(rounds));
    results.push(result);
    console.log(
      `process ${index + 1} (${result.baseFirst ? 'base' : 'new'} loaded first): wall base ${result.baseWall.toFixed(0)} ms, new ${result.newWall.toFixed(0)} ms (new/base ${result.wallRatio.toFixed(3)}); CPU base ${result.baseCpu.toFixed(0)} ms, new ${result.newCpu.toFixed(0)} ms (new/base ${result.cpuRatio.toFixed(3)})`,
    );
  }
  console.log(
    `fanout, ${results.length} processes × ${rounds} rounds of ${size} runs: wall new/base ${estimate(results, (item) => item.wallRatio)}; CPU new/base ${estimate(results, (item) => item.cpuRatio)}`,
  );
}

if (process.argv[2] === '--process') {
  const [baseTree, baseFirst, rounds] = process.argv.slice(3);
  await inProcess(baseTree!, baseFirst === 'true', Number(rounds));
} else {
  await main();
}
