/**
 * @module allocation-per-run
 * `pnpm --filter @agentchart/bench probe:alloc <loop> [runs]`: bytes allocated per run of one
 * in-memory workload's variant, and the functions that allocate them, from V8's sampling heap
 * profiler counting what the collector has freed as well (what the run made, not what it
 * kept). Measures the built packages (run `./run build` first).
 *
 * Garbage is what the raw XState reference does not pay and agentchart does: in chain10 the
 * collector's time per run is several times the reference's. Unlike CPU time on a shared
 * machine, the bytes a run allocates hardly move from one measurement to the next (the
 * profiler samples every 512 bytes on average), so a change that allocates less shows as a
 * figure, where a CPU A/B cannot resolve it.
 *
 * Loops: `chain10`, `chain10-raw`, `chain10-tool`, `react5`, `react5-raw`.
 */
import { printBySite, sampleAllocations, setUpLoop } from './in-memory-loops';

const [name = 'chain10', runsArg = '2000'] = process.argv.slice(2);
const built = await setUpLoop(name);
const runs = Number(runsArg);
// Warmed up first: compiled code allocates less than the interpreter's first runs.
for (let index = 0; index < Math.max(500, runs / 2); index++) await built.run();
const { total, bySite } = await sampleAllocations(built.run, runs, { minor: true, major: true });
await built.close?.();

console.log(
  `${name} (${built.variant}): ${(total / runs).toFixed(0)} bytes allocated per run, over ${runs} runs\n`,
);
console.log('bytes per run by allocating function:');
printBySite(bySite, runs);
