import { collectGarbage, median, peakRssMb, wallTime } from '../../measure/memory';
import type { FanoutRound } from './simulated-model';

/** Each variant's round, imported only in the child that runs it so its RSS stays its own. */
const variants: Record<string, () => Promise<FanoutRound>> = {
  plain: async () => (await import('./fanout-plain')).plainFanout,
  xstate: async () => (await import('./fanout-xstate')).xstateFanout,
  agentchart: async () => (await import('./fanout-agentchart')).agentchartFanout,
  langgraph: async () => (await import('./fanout-langgraph')).langGraphFanout,
};

/** Options of a fan-out child. */
export interface FanoutOptions {
  size: number;
  rounds: number;
}

/** Untimed rounds of full size before the timed ones, for at least this long (see below). */
const warmupMs = 2_000;

/**
 * In the child: untimed rounds of `size` concurrent runs for at least {@link warmupMs} (at
 * least two), then `rounds` timed rounds; the median wall time and the process's peak RSS.
 * Without the warm-up, the first rounds measure V8 compiling each variant's code and sizing
 * its heap: raw XState's rounds then ranged over 2× (105 to 195 ms) in one run.
 */
export async function fanoutChild(
  variant: string,
  { size, rounds }: FanoutOptions,
): Promise<Record<string, number>> {
  const load = variants[variant];
  if (!load) throw new Error(`fanout has no variant "${variant}"`);
  const round = await load();
  const warmUntil = performance.now() + warmupMs;
  for (let warmups = 0; warmups < 2 || performance.now() < warmUntil; warmups++) {
    await round(size);
    await collectGarbage();
  }
  const walls: number[] = [];
  for (let index = 0; index < rounds; index++) {
    walls.push(await wallTime(() => round(size)));
    await collectGarbage();
  }
  return { wallMs: median(walls), bestWallMs: Math.min(...walls), peakRssMb: peakRssMb() };
}
