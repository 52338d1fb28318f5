import { RunError } from '../errors/run-error';
import type { Checkpointer } from '../store/types';
import type { LiveRuns } from './live-runs';
import { assertTenantId } from './tenant-id';

/** Options of the calls that act on an existing thread: `agent.send`, `agent.resume`. */
export interface ThreadTenantCheck {
  /**
   * The tenant the caller acts for. When given, the call is refused with
   * `run.wrong_tenant` — before the thread is restored, sent anything or written — unless the
   * thread was started with this `tenantId`.
   */
  tenantId?: string | undefined;
}

/**
 * Refuses a call made for `tenantId` on a thread that is not that tenant's: one started for
 * another tenant, for none, or that does not exist — told apart by nothing in the error, so a
 * tenant learns neither another tenant's id nor which thread ids exist (ADR 0049). Reads the
 * run live here, or else the thread's latest checkpoint, which is then dropped: nothing stays
 * in memory and nothing is written.
 */
export async function assertThreadOfTenant(
  method: string,
  threadId: string,
  tenantId: string | undefined,
  { live, checkpointer }: { live: LiveRuns; checkpointer: Checkpointer },
): Promise<void> {
  if (tenantId === undefined) return;
  assertTenantId(method, tenantId);
  const running = live.get(threadId);
  // A thread's tenant is set by its start and never changes: read once, it stays true.
  const owner = running ? running.tenantId : (await checkpointer.latest(threadId))?.run.tenantId;
  if (owner === tenantId) return;
  throw new RunError('run.wrong_tenant', {
    message: `${method}: thread "${threadId}" is not a thread of tenant "${tenantId}", so nothing was sent to it, restored or written. Check the thread id your request carries against the threads you started for this tenant; a thread started without a tenantId is reached only without one.`,
    details: { threadId, tenantId },
  });
}
