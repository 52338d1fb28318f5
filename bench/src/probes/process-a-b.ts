/**
 * @module process-a-b
 * `pnpm --filter @agentchart/bench probe:process-ab <workload> <variant> [pairs] [seconds]`:
 * one variant timed in fresh processes, A and B alternating `pairs` times, each process timing
 * `seconds` after 2 s of warm-up; prints the medians and the median of the per-pair B ÷ A.
 * A and B differ by where the bench lives or by Node's flags: `AB_A_DIR` / `AB_B_DIR` (a
 * `bench/` directory of another checkout, built; default this one) and `AB_A_FLAGS` /
 * `AB_B_FLAGS` (e.g. `--no-allocation-site-pretenuring`).
 *
 * A process, not a round, is the unit: V8 settles early on decisions (which allocation sites
 * it pretenures) that make one process of the same build run a third slower than the next, so
 * on this machine two builds compared in one process each differ by as much by chance.
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const [workload = 'chain10 memory', variant = 'raw XState', pairsArg = '8', seconds = '4'] =
  process.argv.slice(2);
const here = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const sides = (['A', 'B'] as const).map((side) => ({
  side,
  dir: process.env[`AB_${side}_DIR`] ?? here,
  flags: (process.env[`AB_${side}_FLAGS`] ?? '').split(' ').filter(Boolean),
}));

interface Timing {
  wallUs: number;
  cpuUs: number;
}

function timeOnce(dir: string, flags: string[]): Timing {
  const child = spawnSync(
    process.execPath,
    [...flags, '--import', 'tsx', 'src/probes/time-variant-once.ts', workload, variant, seconds],
    { cwd: dir, encoding: 'utf8', timeout: 120_000 },
  );
  const line = child.stdout.trim().split('\n').at(-1) ?? '';
  if (child.status !== 0 || !line.startsWith('{')) {
    throw new Error(`the timing process in ${dir} failed: ${child.stderr || child.stdout}`);
  }
  return JSON.parse(line) as Timing;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

const timings: Record<'A' | 'B', Timing[]> = { A: [], B: [] };
for (let pair = 0; pair < Number(pairsArg); pair++) {
  for (const { side, dir, flags } of sides) timings[side].push(timeOnce(dir, flags));
}
console.log(`${workload}, ${variant}: ${pairsArg} pairs of processes, ${seconds} s each`);
for (const { side, dir, flags } of sides) {
  const wall = timings[side].map((t) => t.wallUs);
  console.log(
    `${side} (${dir}${flags.length ? ` ${flags.join(' ')}` : ''}): wall median ${median(wall).toFixed(1)} µs/run (${Math.min(...wall).toFixed(1)}–${Math.max(...wall).toFixed(1)}), CPU median ${median(timings[side].map((t) => t.cpuUs)).toFixed(1)}`,
  );
}
const ratios = timings.B.map((b, index) => b.wallUs / timings.A[index]!.wallUs);
console.log(`B ÷ A, median of the pairs: ${median(ratios).toFixed(3)}`);
