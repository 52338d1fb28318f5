import { Session } from 'node:inspector/promises';
import type { TimedVariant } from '../measure/timed-variant';
import { timedWorkloads } from '../workloads/timed-workloads';

/** The in-memory loops the heap probes run: one variant of a timed workload each. */
export const inMemoryLoops: Record<string, { variants: () => TimedVariant[]; variant: string }> = {
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

/** Sets up loop `name`'s variant: its run, and what closes it. */
export async function setUpLoop(name: string) {
  const loop = inMemoryLoops[name];
  if (!loop) throw new Error(`no loop "${name}"; one of ${Object.keys(inMemoryLoops).join(', ')}`);
  const found = loop.variants().find((item) => item.variant === loop.variant);
  if (!found) throw new Error(`no variant "${loop.variant}"`);
  return { variant: loop.variant, ...(await found.setup()) };
}

interface SamplingNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: SamplingNode[];
}

/**
 * Bytes allocated by `runs` calls of `run`, in all and by allocating function, from V8's
 * sampling heap profiler (a sample every 512 bytes on average). `collectedBy` says which of the
 * objects freed during the runs are counted: those a minor collection freed (they died young),
 * those a major one freed (they were in the old generation when they died), or both. Objects
 * still alive at the end are always counted.
 */
export async function sampleAllocations(
  run: () => Promise<void>,
  runs: number,
  collectedBy: { minor: boolean; major: boolean },
): Promise<{ total: number; bySite: Map<string, number> }> {
  const session = new Session();
  session.connect();
  await session.post('HeapProfiler.enable');
  await session.post('HeapProfiler.startSampling', {
    samplingInterval: 512,
    includeObjectsCollectedByMajorGC: collectedBy.major,
    includeObjectsCollectedByMinorGC: collectedBy.minor,
  });
  for (let index = 0; index < runs; index++) await run();
  const { profile } = (await session.post('HeapProfiler.stopSampling')) as {
    profile: { head: SamplingNode };
  };
  session.disconnect();
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
  return { total, bySite };
}

/** Prints the `count` functions that allocated the most, in bytes per run. */
export function printBySite(bySite: Map<string, number>, runs: number, count = 30): void {
  for (const [site, bytes] of [...bySite].sort((a, b) => b[1] - a[1]).slice(0, count)) {
    console.log(`${(bytes / runs).toFixed(0).padStart(8)}  ${site}`);
  }
}
