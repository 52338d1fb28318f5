/**
 * @module old-space-per-run
 * `pnpm --filter @agentchart/bench probe:old-space <loop> [runs] [warm-up seconds]`: bytes per
 * run that reach V8's old generation — promoted because they were still alive at two minor
 * collections, or allocated there because V8 pretenures their allocation site — and the
 * functions that allocated them. It also prints the loop's µs per run just before.
 *
 * A run's objects should die young. What reaches the old generation stays until a full
 * collection and makes every minor collection until then slower (an old object keeps the young
 * objects it reaches alive); once most objects of an allocation site are found alive, V8 puts
 * all its later objects in the old generation, and a process can settle into a mode where
 * minor collections promote megabytes each. The figure is the objects freed by a major
 * collection during the runs, plus those still alive at the end. Measures the built packages
 * (run `./run build` first); the loops are those of `probe:alloc`.
 */
import { printBySite, sampleAllocations, setUpLoop } from './in-memory-loops';

const [name = 'chain10', runsArg = '10000', warmArg = '4'] = process.argv.slice(2);
const built = await setUpLoop(name);
const runs = Number(runsArg);
// Long enough for V8 to settle its pretenuring decisions, which come in the first seconds.
let until = performance.now() + Number(warmArg) * 1_000;
while (performance.now() < until) await built.run();
let timed = 0;
const start = performance.now();
until = start + 2_000;
while (performance.now() < until) {
  await built.run();
  timed++;
}
const perRun = ((performance.now() - start) * 1_000) / timed;
const { total, bySite } = await sampleAllocations(built.run, runs, { minor: false, major: true });
await built.close?.();

console.log(
  `${name} (${built.variant}): ${perRun.toFixed(1)} µs/run; ${(total / runs).toFixed(0)} bytes per run reached the old generation, over ${runs} runs\n`,
);
console.log('bytes per run by allocating function:');
printBySite(bySite, runs, 20);
