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
import { Session } from 'node:inspector/promises';
import type { TimedVariant } from '../measure/timed-variant';
import { timedWorkloads } from '../workloads/timed-workloads';

const loops: Record<string, { variants: () => TimedVariant[]; variant: string }> = {
  chain10: {
    variants: () => timedWorkloads['chain10 memory'](),
    variant: 'agentchart (promise actor per state)',
  },
  'chain10-raw': { variants: () => timedWorkloads['chain10 memory'](), variant: 'raw XState' },
  'chain10-tool': {
    variants: () => timedWorkloads['chain10 memory'](),
    variant: 'agentchart (toolCall per state, journaled)',
  },
  react5: { variants: () => timedWorkloads.react5(), variant: 'agentchart (toolLoop)' },
  'react5-raw': { variants: () => timedWorkloads.react5(), variant: 'raw XState' },
};

interface SamplingNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: SamplingNode[];
}

const [name = 'chain10', runsArg = '2000'] = process.argv.slice(2);
const loop = loops[name];
if (!loop) throw new Error(`no loop "${name}"; one of ${Object.keys(loops).join(', ')}`);
const found = loop.variants().find((item) => item.variant === loop.variant);
if (!found) throw new Error(`no variant "${loop.variant}"`);
const built = await found.setup();
const runs = Number(runsArg);
// Warmed up first: compiled code allocates less than the interpreter's first runs.
for (let index = 0; index < Math.max(500, runs / 2); index++) await built.run();

const session = new Session();
session.connect();
await session.post('HeapProfiler.enable');
await session.post('HeapProfiler.startSampling', {
  samplingInterval: 512,
  includeObjectsCollectedByMajorGC: true,
  includeObjectsCollectedByMinorGC: true,
});
for (let index = 0; index < runs; index++) await built.run();
const { profile } = (await session.post('HeapProfiler.stopSampling')) as {
  profile: { head: SamplingNode };
};
session.disconnect();
await built.close?.();

const shortUrl = (url: string) =>
  url.replace(
    /^file:\/\/.*?\/(node_modules\/\.pnpm\/[^/]+\/node_modules\/|packages\/|bench\/)/,
    '',
  );
const bySite = new Map<string, number>();
let total = 0;
const walk = (node: SamplingNode) => {
  total += node.selfSize;
  if (node.selfSize > 0) {
    const { functionName, url, lineNumber } = node.callFrame;
    const key = `${functionName || '(anonymous)'} ${shortUrl(url)}:${lineNumber + 1}`;
    bySite.set(key, (bySite.get(key) ?? 0) + node.selfSize);
  }
  for (const child of node.children) walk(child);
};
walk(profile.head);

console.log(
  `${name} (${loop.variant}): ${(total / runs).toFixed(0)} bytes allocated per run, over ${runs} runs\n`,
);
console.log('bytes per run by allocating function:');
for (const [site, bytes] of [...bySite].sort((a, b) => b[1] - a[1]).slice(0, 30)) {
  console.log(`${(bytes / runs).toFixed(0).padStart(8)}  ${site}`);
}
