import { runInChild } from '../../measure/child-process';
import { median } from '../../measure/memory';
import type { Row } from '../../types';
import type { FanoutOptions } from './fanout-child';

const variants = [
  { key: 'plain', variant: 'plain async (floor)' },
  { key: 'xstate', variant: 'raw XState' },
  { key: 'agentchart', variant: 'agentchart (structuredCall)' },
  { key: 'langgraph', variant: 'LangGraph.js' },
];

/**
 * fanout: `size` concurrent runs of three steps, the middle one a 50 ms simulated model call; each variant
 * in its own child process so its peak RSS is its own. The children run in `passes`, every
 * variant once a pass in alternating order, so a burst of load from other processes hits
 * the variants of one pass alike: a row's figures are the medians of its passes, its ratios
 * the medians of its per-pass ratios.
 */
export async function fanout({
  passes,
  ...options
}: FanoutOptions & { passes: number }): Promise<Row[]> {
  const results = new Map<string, Record<string, number>[]>(variants.map(({ key }) => [key, []]));
  const errors = new Map<string, string>();
  for (let pass = 0; pass < passes; pass++) {
    const ordered = pass % 2 === 0 ? variants : [...variants].reverse();
    for (const { key } of ordered) {
      if (errors.has(key)) continue;
      const result = await runInChild('fanout', key, options);
      if (result.ok) results.get(key)!.push(result.metrics);
      else errors.set(key, result.error);
    }
  }
  return variants.map(({ key, variant }): Row => {
    const error = errors.get(key);
    if (error !== undefined) {
      return { workload: 'fanout', variant, status: 'error', metrics: {}, note: error };
    }
    const measured = results.get(key)!;
    const walls = measured.map((metrics) => metrics.wallMs!);
    const rss = measured.map((metrics) => metrics.peakRssMb!);
    return {
      workload: 'fanout',
      variant,
      status: 'ok',
      metrics: {
        wallMs: median(walls),
        bestWallMs: Math.min(...measured.map((metrics) => metrics.bestWallMs!)),
        peakRssMb: median(rss),
      },
      passMetrics: { wallMs: walls, peakRssMb: rss },
    };
  });
}
