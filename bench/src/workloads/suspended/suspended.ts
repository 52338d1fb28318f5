import { runInChild } from '../../measure/child-process';
import type { Row } from '../../types';
import type { SuspendedOptions } from './suspended-child';

interface SuspendedVariantRow {
  key: string;
  variant: string;
  note?: string;
  /** The largest size this variant is run at (LangGraph's sequential invokes are slow). */
  maxSize?: number;
}

const variants: SuspendedVariantRow[] = [
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
    note: "createAgent's defaults: waiting runs are evicted, their checkpoints kept by the in-memory store; stored = latest checkpoint + journal as JSON",
  },
  {
    key: 'agentchart-sqlite-live',
    variant: 'agentchart (humanWait, held live: evictWaiting false) + SQLite',
    note: 'what a waiting run costs while it stays in memory; the store is a file',
  },
  {
    key: 'agentchart-sqlite',
    variant: 'agentchart (humanWait) + SQLite',
    note: "createAgent's defaults with a durable store: waiting runs are evicted, state in the SQLite file",
  },
  { key: 'langgraph-memory', variant: 'LangGraph.js + MemorySaver', maxSize: 10_000 },
  { key: 'langgraph-sqlite', variant: 'LangGraph.js + SqliteSaver', maxSize: 10_000 },
];

/**
 * suspended: runs that prepare, wait for a human's approval and finish; memory per waiting
 * run and bytes stored, with `sizes` runs waiting at once (each size, each variant in its own
 * process): a fixed cost shared by the runs shrinks per run as their number grows, a cost per
 * run does not. A row's `bytesInMemoryPerRun` is at the largest size it ran at, the others are
 * `bytesInMemoryPerRun@<size>`.
 */
export async function suspended({
  sizes,
  sample,
}: {
  sizes: readonly number[];
  sample: number;
}): Promise<Row[]> {
  const rows: Row[] = [];
  for (const { key, variant, note, maxSize = Number.POSITIVE_INFINITY } of variants) {
    const metrics: Record<string, number> = {};
    let error: string | undefined;
    for (const size of sizes.filter((size) => size <= maxSize)) {
      const options: SuspendedOptions = { size, sample };
      const result = await runInChild('suspended', key, options, { timeoutMs: 600_000 });
      if (!result.ok) {
        error = result.error;
        break;
      }
      for (const [name, value] of Object.entries(result.metrics)) {
        metrics[`${name}@${size}`] = value;
        metrics[name] = value;
      }
      metrics.size = size;
    }
    rows.push(
      error === undefined
        ? { workload: 'suspended', variant, status: 'ok', metrics, ...(note ? { note } : {}) }
        : { workload: 'suspended', variant, status: 'error', metrics: {}, note: error },
    );
  }
  return rows;
}
