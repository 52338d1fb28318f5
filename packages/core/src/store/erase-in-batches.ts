import { DefinitionError } from '../errors/definition-error';
import { checkOptionNames, describeValue } from '../errors/option-names';
import { validateNumberOption } from '../reliability/validate-option';
import { parentOfChildThread } from '../run/child-thread-id';
import { CheckpointError } from './checkpoint-error';
import type { EraseOptions, EraseResult, ThreadLease } from './types';

/** What one {@link EraseSteps.remove} (or {@link EraseSteps.count}) deleted (or would). */
export type ErasedRows = Pick<EraseResult, 'threads' | 'checkpoints' | 'effects'>;

/** How a store finds and deletes whole threads; see {@link eraseInBatches}. */
export interface EraseSteps {
  /**
   * The stored threads whose ids begin with one of `threadIds` and `/`, at any depth (their
   * child agents' threads are among them): a superset is fine, the caller keeps only ids
   * shaped as child threads of the given ones.
   */
  under(threadIds: readonly string[]): string[] | Promise<string[]>;
  /** The leases among `threadIds` that are live at `now` (`expiresAt > now`). */
  liveLeases(threadIds: readonly string[], now: number): ThreadLease[] | Promise<ThreadLease[]>;
  /** What {@link remove} would delete, deleting nothing (a dry run). */
  count(threadIds: readonly string[]): ErasedRows | Promise<ErasedRows>;
  /**
   * Deletes every row of `threadIds` — checkpoints, journal, run log, lease, wake-up, index
   * rows — in one transaction. Refuses, deleting nothing, when one of them has a lease live at
   * `now`, read inside that transaction (a run may have taken it since the caller checked):
   * throw {@link liveLeaseError}.
   */
  remove(threadIds: readonly string[], now: number): ErasedRows | Promise<ErasedRows>;
}

/**
 * Whether `threadId` is the thread of a child agent of `ancestor`, at any depth: each step
 * from it up to `ancestor` is a child agent's thread (`<parent>/<effect key>`, see
 * `childThreadId`). A thread that only has a `/` in its id (`<ancestor>/notes`) is not one.
 */
export function isDescendantThread(threadId: string, ancestor: string): boolean {
  for (let parent = parentOfChildThread(threadId); parent !== undefined; ) {
    if (parent === ancestor) return true;
    parent = parentOfChildThread(parent);
  }
  return false;
}

/** The error an erase refuses a thread with while a run holds its lease. */
export function liveLeaseError(leases: readonly ThreadLease[], now: number): CheckpointError {
  const first = leases[0]!;
  const held = leases
    .slice(0, 5)
    .map(
      (lease) =>
        `"${lease.threadId}" (run "${lease.owner}", ${Math.max(0, Math.ceil((lease.expiresAt - now) / 1000))} s left)`,
    )
    .join(', ');
  const more = leases.length > 5 ? ` and ${leases.length - 5} more` : '';
  return new CheckpointError(
    'checkpoint.lease_held',
    first.threadId,
    `Not erased: ${leases.length === 1 ? 'a live run holds the lease of thread' : 'live runs hold the leases of threads'} ${held}${more}, and ${leases.length === 1 ? 'its next checkpoint would write the thread back' : 'their next checkpoints would write them back'}. Nothing was erased. Stop the run (its handle's stop(); a child agent's run stops with its parent's) or end its process, or wait until it rests and lets its lease go (a waiting run kept in memory holds it: evictWaiting), then erase again.`,
  );
}

/**
 * Erasure for a store (a data subject's erasure request): deletes the given threads entirely,
 * with their child agents' threads at any depth, in batches of `batchSize` threads, each its
 * own short transaction, yielding to the event loop between them. Nothing is deleted while
 * any of those threads has a live lease (a running run, or a waiting one kept in a process's
 * memory): that run's next checkpoint would bring the thread back, so the whole erase is
 * refused with `checkpoint.lease_held`. Each batch checks the leases again inside its
 * transaction: a run that took one of them meanwhile stops the erase there (the batches
 * before it stay erased; run it again once that run rests). Children are erased before their
 * parents, so an erase cut short never leaves a parent whose child is gone (resumed, it would
 * run the child again from the start).
 */
export async function eraseInBatches(
  threadIds: readonly string[],
  options: EraseOptions,
  steps: EraseSteps,
): Promise<EraseResult> {
  checkOptionNames('erase', options, ['now', 'batchSize', 'dryRun']);
  const { now = Date.now(), batchSize = 100, dryRun = false } = options;
  if (
    !Array.isArray(threadIds) ||
    threadIds.some((id) => typeof id !== 'string' || id.length === 0)
  ) {
    throw new DefinitionError(
      'definition.invalid_option',
      `erase: threadIds is ${describeValue(threadIds)}. Give a list of thread ids (non-empty strings).`,
    );
  }
  validateNumberOption('erase', 'batchSize', batchSize, {
    min: 1,
    max: Number.MAX_SAFE_INTEGER,
    integer: true,
    expected: 'a whole number of threads deleted per transaction, 1 or more',
  });
  validateNumberOption('erase', 'now', now, {
    min: 0,
    max: Number.MAX_SAFE_INTEGER,
    expected: 'the current time in milliseconds since the epoch (Date.now()), or leave it out',
  });
  const given = [...new Set(threadIds)];
  const family = new Set(given);
  for (const chunk of chunks(given, batchSize)) {
    for (const id of await steps.under(chunk)) {
      if (chunk.some((ancestor) => isDescendantThread(id, ancestor))) family.add(id);
    }
  }
  // Deepest first: a child goes before its parent (see above).
  const ordered = [...family].sort((a, b) => depthOf(b) - depthOf(a) || (a < b ? -1 : 1));
  const live: ThreadLease[] = [];
  for (const chunk of chunks(ordered, batchSize))
    live.push(...(await steps.liveLeases(chunk, now)));
  if (live.length > 0) throw liveLeaseError(live, now);
  const total: EraseResult = {
    threadIds: ordered,
    threads: 0,
    checkpoints: 0,
    effects: 0,
    batches: 0,
    dryRun,
  };
  for (const chunk of chunks(ordered, batchSize)) {
    const rows = await (dryRun ? steps.count(chunk) : steps.remove(chunk, now));
    total.threads += rows.threads;
    total.checkpoints += rows.checkpoints;
    total.effects += rows.effects;
    if (!dryRun) total.batches++;
    // Let other work in this process (a run's next checkpoint) go between batches.
    await new Promise((resolve) => setImmediate(resolve));
  }
  return total;
}

/** How many child-thread steps `threadId` is below its root thread. */
function depthOf(threadId: string): number {
  let depth = 0;
  for (let parent = parentOfChildThread(threadId); parent !== undefined; depth++) {
    parent = parentOfChildThread(parent);
  }
  return depth;
}

function* chunks<T>(items: readonly T[], size: number): Generator<T[]> {
  for (let start = 0; start < items.length; start += size) yield items.slice(start, start + size);
}
