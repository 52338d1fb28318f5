/**
 * @module waiting-run-eviction
 * `pnpm --filter @agentchart/bench probe:eviction [runs]`: what evicting waiting runs costs
 * and saves with core's in-memory store (the default). `runs` runs of the suspended workload
 * (prepare → a human approval → finish) are put to wait at once, held live
 * (`evictWaiting: false`) or evicted (the default); it prints the heap they hold while they
 * wait and the time to reply to each and see it finish (an evicted run is restored first).
 * Five rounds, live and evicted alternating; the medians are printed.
 */
import { agentchartSuspended } from '../workloads/suspended/suspended-agentchart';

const runs = Number(process.argv[2] ?? 2_000);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc (pnpm run probe:eviction does)');

/** Collects garbage over a few turns of the event loop, so finished work is gone. */
async function settledHeap(): Promise<number> {
  for (let turn = 0; turn < 5; turn++) {
    await new Promise((resolve) => setImmediate(resolve));
    gc?.();
  }
  return process.memoryUsage().heapUsed;
}

const modes = { live: false, evicted: true } as const;
const heap: Record<string, number[]> = { live: [], evicted: [] };
const reply: Record<string, number[]> = { live: [], evicted: [] };
for (let round = 0; round < 5; round++) {
  for (const [mode, evictWaiting] of Object.entries(modes)) {
    const variant = agentchartSuspended({ evictWaiting });
    const ids = Array.from({ length: runs }, (_, index) => `r${round}-${index}`);
    const before = await settledHeap();
    await variant.suspend(ids);
    heap[mode]!.push(((await settledHeap()) - before) / runs);
    const start = performance.now();
    await variant.replyAndCheck(ids);
    reply[mode]!.push(((performance.now() - start) * 1000) / runs);
    variant.close();
  }
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;
console.log(`${runs} runs waiting on the in-memory store, medians of 5 rounds:`);
for (const mode of Object.keys(modes)) {
  console.log(
    `  ${mode.padEnd(8)} ${median(heap[mode]!).toFixed(0).padStart(6)} B of heap per waiting run, ${median(reply[mode]!).toFixed(1)} µs per run to reply and finish`,
  );
}
