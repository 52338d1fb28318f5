import { DefinitionError } from '../errors/definition-error';
import { checkOptionNames, describeValue } from '../errors/option-names';
import { validateNumberOption } from '../reliability/validate-option';
import { parentOfChildThread } from '../run/child-thread-id';
import { isEndedStatus } from '../run/run-lifecycle';
import type { PruneOptions, PruneResult } from './types';

/**
 * Whether prune keeps an ended thread for its parent: it is a child agent's thread
 * (`<parent>/<effect key>`, see `agentActor`) whose parent is stored and has not ended. Such a
 * parent may not have journaled the child's outcome yet (it died in between, or reads it
 * later), and finding no child when it resumes, it would run the child again from the start.
 * Once the parent has ended its journal holds the outcome, and the child may go.
 * `statusOf` gives a stored thread's status, undefined for one not stored.
 */
export function isKeptForItsParent(
  threadId: string,
  statusOf: (threadId: string) => string | undefined,
): boolean {
  const parent = parentOfChildThread(threadId);
  const status = parent === undefined ? undefined : statusOf(parent);
  return status !== undefined && !isEndedStatus(status);
}

/** A thread {@link PruneSteps.select} found to delete, with when it was last written. */
export interface PrunableThread {
  threadId: string;
  updatedAt: number;
}

/** How a store finds and deletes ended threads; see {@link pruneInBatches}. */
export interface PruneSteps {
  /**
   * Up to `limit` threads in `statuses` last written at or after `from` and before `before`,
   * oldest first, leaving out those {@link isKeptForItsParent} keeps: in the same query, so
   * a batch is one read. `from` is where the previous batch ended: the threads kept before
   * it are not read again by every batch.
   */
  select(
    statuses: string,
    before: number,
    limit: number,
    from: number,
  ): PrunableThread[] | Promise<PrunableThread[]>;
  /** Deletes those threads' rows in one transaction; what it deleted. */
  remove(
    threadIds: readonly string[],
  ): Omit<PruneResult, 'batches'> | Promise<Omit<PruneResult, 'batches'>>;
}

/**
 * Retention for a store: deletes ended threads in batches, each its own short transaction,
 * and yields to the event loop between batches, so a running agent's writes in the same
 * process and file wait at most one batch. Refuses `running` and `waiting`: those are live.
 * A child agent's ended thread whose parent is live stays ({@link isKeptForItsParent}).
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
  // What is left older than the last batch's newest thread was kept for its parent (a parent
  // that ends meanwhile lets its child go at the next prune).
  let from = Number.MIN_SAFE_INTEGER;
  while (total.threads < maxThreads) {
    const limit = Math.min(batchSize, maxThreads - total.threads);
    const threads = await steps.select(statusList, before, limit, from);
    if (threads.length === 0) break;
    from = threads.at(-1)!.updatedAt;
    const threadIds = threads.map((thread) => thread.threadId);
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
