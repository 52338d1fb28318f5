import { DefinitionError } from '../errors/definition-error';
import { checkOptionNames, describeValue } from '../errors/option-names';
import { validateNumberOption } from '../reliability/validate-option';
import { isEndedStatus } from '../run/run-lifecycle';
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

/**
 * Retention for a store: deletes ended threads in batches, each its own short transaction,
 * and yields to the event loop between batches, so a running agent's writes in the same
 * process and file wait at most one batch. Refuses `running` and `waiting`: those are live.
 */
export async function pruneInBatches(
  options: PruneOptions,
  steps: PruneSteps,
): Promise<PruneResult> {
  // A misspelt `maxThread` would prune without the cap it meant.
  checkOptionNames('prune', options, ['before', 'statuses', 'batchSize', 'maxThreads']);
  const { before, statuses, batchSize = 500, maxThreads = Number.POSITIVE_INFINITY } = options;
  if (!Array.isArray(statuses)) {
    throw new DefinitionError(
      'definition.invalid_option',
      `prune: statuses is ${describeValue(statuses)}. Give a list of ended statuses, such as ['done', 'failed'].`,
    );
  }
  const refused = statuses.filter((status) => !isEndedStatus(status));
  if (statuses.length === 0 || refused.length > 0) {
    throw new DefinitionError(
      'definition.invalid_option',
      `prune: statuses must be ended ones (done, failed, limit, stopped), got ${JSON.stringify(statuses)}. A running or waiting thread is live and is never pruned.`,
    );
  }
  validateNumberOption('prune', 'batchSize', batchSize, {
    min: 1,
    max: Number.MAX_SAFE_INTEGER,
    integer: true,
    expected: 'a whole number of threads deleted per transaction, 1 or more',
  });
  // A negative time or a cap no count reaches (NaN) would make a retention job that never
  // prunes and reports nothing wrong.
  validateNumberOption('prune', 'before', before, {
    min: 0,
    max: Number.MAX_SAFE_INTEGER,
    expected: 'a time in milliseconds since the epoch, such as Date.now() - 30 * 86_400_000',
  });
  validateNumberOption('prune', 'maxThreads', maxThreads, {
    min: 0,
    max: Number.MAX_SAFE_INTEGER,
    integer: true,
    allowInfinity: true,
    expected: 'a whole number of threads, 0 or more, or leave it out for no cap',
  });
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
