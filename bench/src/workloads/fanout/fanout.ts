import { runInChild } from '../../measure/child-process';
import type { Row } from '../../types';
import type { FanoutOptions } from './fanout-child';

const variants = [
  { key: 'plain', variant: 'plain async (floor)' },
  { key: 'xstate', variant: 'raw XState' },
  { key: 'agentchart', variant: 'agentchart (structuredCall)' },
  { key: 'langgraph', variant: 'LangGraph.js' },
];

/**
 * fanout: `size` concurrent runs whose one step is a 50 ms simulated model call; each variant
 * in its own child process so its peak RSS is its own.
 */
export async function fanout(options: FanoutOptions): Promise<Row[]> {
  const rows: Row[] = [];
  for (const { key, variant } of variants) {
    const result = await runInChild('fanout', key, options);
    rows.push(
      result.ok
        ? { workload: 'fanout', variant, status: 'ok', metrics: result.metrics }
        : { workload: 'fanout', variant, status: 'error', metrics: {}, note: result.error },
    );
  }
  return rows;
}
