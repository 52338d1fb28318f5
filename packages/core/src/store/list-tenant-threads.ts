import { assertTenantId } from '../agent/tenant-id';
import { checkOptionNames } from '../errors/option-names';
import { validateNumberOption } from '../reliability/validate-option';
import type { ListTenantThreadsOptions } from './types';

/** How a store reads its threads page by page for {@link listTenantThreadsInPages}. */
export interface TenantScanSteps {
  /**
   * Up to `limit` thread ids greater than `after`, in order (`page`), and those of them whose
   * checkpoints name the tenant (`matching`).
   */
  page(
    after: string,
    limit: number,
  ):
    | { page: readonly string[]; matching: readonly string[] }
    | Promise<{ page: readonly string[]; matching: readonly string[] }>;
  /** Threads with a run log row charged to the tenant (none for a store without a run log). */
  charged(): readonly string[] | Promise<readonly string[]>;
}

/**
 * A tenant's threads, for an erasure (see `Checkpointer.listTenantThreads`): every stored
 * thread read in pages of `batchSize` ids, each page one short read, yielding to the event
 * loop between pages, so a store shared with running agents is not held up; then the threads
 * the run log charges to the tenant, which finds one whose checkpoints are gone or unreadable.
 * Sorted, each once.
 */
export async function listTenantThreadsInPages(
  tenantId: string,
  options: ListTenantThreadsOptions,
  steps: TenantScanSteps,
): Promise<string[]> {
  assertTenantId('listTenantThreads', tenantId);
  checkOptionNames('listTenantThreads', options, ['batchSize']);
  const { batchSize = 500 } = options;
  validateNumberOption('listTenantThreads', 'batchSize', batchSize, {
    min: 1,
    max: Number.MAX_SAFE_INTEGER,
    integer: true,
    expected: 'a whole number of threads read per query, 1 or more',
  });
  const found = new Set<string>();
  for (let after = ''; ; ) {
    const { page, matching } = await steps.page(after, batchSize);
    for (const threadId of matching) found.add(threadId);
    if (page.length < batchSize) break;
    after = page.at(-1)!;
    await new Promise((resolve) => setImmediate(resolve));
  }
  for (const threadId of await steps.charged()) found.add(threadId);
  return [...found].sort();
}
