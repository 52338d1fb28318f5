import { runInChild } from '../../measure/child-process';
import type { Row } from '../../types';
import type { SuspendedOptions } from './suspended-child';

const variants = [
  {
    key: 'plain',
    variant: 'plain async (floor)',
    note: 'a pending promise and its resolver in a Map',
  },
  { key: 'xstate', variant: 'raw XState (live actors)', note: 'stored = persisted snapshot JSON' },
  {
    key: 'xstate-sqlite',
    variant: 'raw XState + SQLite (evicted)',
    note: 'snapshot to SQLite, actor stopped, restored on reply',
  },
  {
    key: 'agentchart',
    variant: 'agentchart (humanWait, in-memory store)',
    note: 'default (evictWaiting off): runs stay live until replied; stored = latest checkpoint + journal as JSON',
  },
  {
    key: 'agentchart-evict',
    variant: 'agentchart (humanWait, evictWaiting, in-memory store)',
    note: 'waiting runs evicted; the in-memory store itself stays in the process',
  },
  {
    key: 'agentchart-evict-sqlite',
    variant: 'agentchart (humanWait, evictWaiting) + SQLite',
    note: 'waiting runs evicted, state in the SQLite file',
  },
  { key: 'langgraph-memory', variant: 'LangGraph.js + MemorySaver' },
  { key: 'langgraph-sqlite', variant: 'LangGraph.js + SqliteSaver' },
];

/** suspended: `size` runs waiting for a human; memory per waiting run and bytes stored. */
export async function suspended(options: SuspendedOptions): Promise<Row[]> {
  const rows: Row[] = [];
  for (const { key, variant, note } of variants) {
    const result = await runInChild('suspended', key, options);
    rows.push(
      result.ok
        ? {
            workload: 'suspended',
            variant,
            status: 'ok',
            metrics: result.metrics,
            ...(note ? { note } : {}),
          }
        : { workload: 'suspended', variant, status: 'error', metrics: {}, note: result.error },
    );
  }
  return rows;
}
