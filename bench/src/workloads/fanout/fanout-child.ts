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

/**
 * In the child: a small warm-up round, then `rounds` rounds of `size` concurrent runs; the
 * median wall time and the process's peak RSS.
 */
export async function fanoutChild(
  variant: string,
  { size, rounds }: FanoutOptions,
): Promise<Record<string, number>> {
  const load = variants[variant];
  if (!load) throw new Error(`fanout has no variant "${variant}"`);
  const round = await load();
  await round(Math.min(size, 100));
  await collectGarbage();
  const walls: number[] = [];
  for (let index = 0; index < rounds; index++) {
    walls.push(await wallTime(() => round(size)));
    await collectGarbage();
  }
  return { wallMs: median(walls), bestWallMs: Math.min(...walls), peakRssMb: peakRssMb() };
}
