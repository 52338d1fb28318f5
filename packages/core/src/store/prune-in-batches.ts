import { DefinitionError } from '../errors/definition-error';
import type { PruneOptions, PruneResult } from './types';

/** How a store finds and deletes ended threads; see {@link pruneInBatches}. */
export interface PruneSteps {
  /** Up to `limit` thread ids in `statuses` last written before `before`, oldest first. */
  select(statuses: string, before: number, limit: number): string[] | Promise<string[]>;
  /** Deletes those threads' rows in one transaction; what it deleted. */
  remove(
    threadIds: readonly string[],
  ): Omit<PruneResult, 'batches'> | Promise<Omit<PruneResult, 'batches'>>;
}

const endedStatuses = new Set(['done', 'failed', 'limit', 'stopped']);

/**
 * Retention for a store: deletes ended threads in batches, each its own short transaction,
 * and yields to the event loop between batches, so a running agent's writes in the same
 * process and file wait at most one batch. Refuses `running` and `waiting`: those are live.
 */
export async function pruneInBatches(
  { before, statuses, batchSize = 500, maxThreads = Number.POSITIVE_INFINITY }: PruneOptions,
  steps: PruneSteps,
): Promise<PruneResult> {
  const refused = statuses.filter((status) => !endedStatuses.has(status));
  if (statuses.length === 0 || refused.length > 0) {
    throw new DefinitionError(
      'definition.invalid_option',
      `prune: statuses must be ended ones (done, failed, limit, stopped), got ${JSON.stringify(statuses)}. A running or waiting thread is live and is never pruned.`,
    );
  }
  if (!Number.isInteger(batchSize) || batchSize < 1 || !Number.isFinite(before)) {
    throw new DefinitionError(
      'definition.invalid_option',
      `prune: batchSize must be a positive integer and before a time in milliseconds, got ${batchSize} and ${before}.`,
    );
  }
  const total: PruneResult = { threads: 0, checkpoints: 0, effects: 0, batches: 0 };
  const statusList = JSON.stringify(statuses);
  while (total.threads < maxThreads) {
    const limit = Math.min(batchSize, maxThreads - total.threads);
    const threadIds = await steps.select(statusList, before, limit);
    if (threadIds.length === 0) break;
    const removed = await steps.remove(threadIds);
    total.threads += removed.threads;
    total.checkpoints += removed.checkpoints;
    total.effects += removed.effects;
    total.batches++;
    if (threadIds.length < limit) break;
    // Let other work in this process (a run's next checkpoint) go between batches.
    await new Promise((resolve) => setImmediate(resolve));
  }
  return total;
}
