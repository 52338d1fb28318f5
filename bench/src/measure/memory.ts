/** Runs a full garbage collection, a few times so weak and finalised objects go too. */
export async function collectGarbage(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('memory figures need node --expose-gc');
  for (let round = 0; round < 3; round++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Live JS memory after a full collection: V8 heap plus memory held outside it (buffers). */
export async function liveBytes(): Promise<number> {
  await collectGarbage();
  const { heapUsed, external } = process.memoryUsage();
  return heapUsed + external;
}

/**
 * {@link liveBytes} once the heap has stopped shrinking: read every half second until a
 * reading is no more than 0.1% below the lowest before, for at most `maxMs`. Work that
 * outlives the promise it answered frees its memory later: a run evicted after it came to
 * rest gives its lease back in a store write of its own, a few turns of the event loop later.
 * The pause between readings is that work's time: a full collection of a large heap blocks
 * the loop, and readings taken back to back (50,000 evicted runs: one a second, each three
 * collections) left it none, so the heap read the same twice while 5 KB a run was still to go.
 * This weighs what stays; `waitedMs` says how long that took.
 */
export async function settledLiveBytes(
  maxMs = 30_000,
): Promise<{ bytes: number; waitedMs: number }> {
  const started = performance.now();
  let bytes = await liveBytes();
  while (performance.now() - started < maxMs) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const next = await liveBytes();
    const shrank = next < bytes * 0.999;
    bytes = Math.min(bytes, next);
    if (!shrank) break;
  }
  return { bytes, waitedMs: performance.now() - started };
}

/** The process's peak resident set size so far, in MB. */
export function peakRssMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}

/** Wall time of `work`, in ms. */
export async function wallTime(work: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

/** The median of some numbers. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
