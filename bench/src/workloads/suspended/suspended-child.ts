import { SqliteCheckpointer } from '@agentchart/core';
import { liveBytes, settledLiveBytes } from '../../measure/memory';
import { sqliteFileBytes } from '../../stores/sqlite-file-bytes';
import { tempDir } from '../../stores/temp-dir';
import type { SuspendedVariant } from './suspended-variant';

/** agentchart on core's SQLite store (its default durability), eviction as given or by default. */
async function agentchartOnSqlite(evictWaiting?: boolean): Promise<SuspendedVariant> {
  const dir = tempDir('suspended-agentchart');
  const path = dir.file('agentchart.db');
  const durable = new SqliteCheckpointer({ path });
  const variant = (await import('./suspended-agentchart')).agentchartSuspended({
    checkpointer: durable,
    ...(evictWaiting === undefined ? {} : { evictWaiting }),
  });
  return {
    ...variant,
    storedBytes: async () => sqliteFileBytes(path, 'node:sqlite'),
    close: () => {
      durable.close();
      dir.remove();
    },
  };
}

/** Each variant, imported only in the child that runs it. */
const variants: Record<string, () => Promise<SuspendedVariant>> = {
  plain: async () => (await import('./suspended-plain')).plainSuspended(),
  xstate: async () => (await import('./suspended-xstate')).xstateSuspended(),
  'xstate-sqlite': async () => (await import('./suspended-xstate')).xstateSqliteSuspended(),
  agentchart: async () => (await import('./suspended-agentchart')).agentchartSuspended(),
  'agentchart-sqlite': () => agentchartOnSqlite(),
  'agentchart-sqlite-live': () => agentchartOnSqlite(false),
  'langgraph-memory': async () =>
    (await import('./suspended-langgraph')).langGraphMemorySuspended(),
  'langgraph-sqlite': async () =>
    (await import('./suspended-langgraph')).langGraphSqliteSuspended(),
};

/** Options of a suspended child. */
export interface SuspendedOptions {
  size: number;
  /** Runs answered at the end to check they continue correctly. */
  sample: number;
}

/**
 * In the child: warm up on a few runs (started and answered), then put `size` runs to wait
 * and weigh the live heap before and after; answer a sample and check it finishes.
 */
export async function suspendedChild(
  key: string,
  { size, sample }: SuspendedOptions,
): Promise<Record<string, number>> {
  const load = variants[key];
  if (!load) throw new Error(`suspended has no variant "${key}"`);
  const variant = await load();
  try {
    const warmup = Array.from({ length: 50 }, (_, index) => `warmup-${index}`);
    await variant.suspend(warmup);
    await variant.replyAndCheck(warmup);
    const ids = Array.from({ length: size }, (_, index) => `thread-${index}`);
    // Progress on stderr: a child that times out shows the parent where it stopped.
    process.stderr.write(`${key}: warmed up, suspending ${size}\n`);
    const before = await liveBytes();
    const started = performance.now();
    await variant.suspend(ids);
    const suspendMs = performance.now() - started;
    // A run has come to rest before its eviction has finished (its lease is given back by a
    // store write of its own): what is weighed is what the waiting runs keep once that is done.
    const atRest = await liveBytes();
    const { bytes: after, waitedMs } = await settledLiveBytes();
    const metrics: Record<string, number> = {
      bytesInMemoryPerRun: (after - before) / size,
      bytesInMemoryAtRestPerRun: (atRest - before) / size,
      settleMs: waitedMs,
      bytesStoredPerRun: (await variant.storedBytes(ids)) / size,
      suspendMsPerRun: suspendMs / size,
    };
    process.stderr.write(`${key}: suspended and weighed, answering ${sample}\n`);
    const step = Math.max(1, Math.floor(size / sample));
    await variant.replyAndCheck(ids.filter((_, index) => index % step === 0));
    return metrics;
  } finally {
    variant.close();
  }
}
