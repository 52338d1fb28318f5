import type { RunError } from '../errors/run-error';
import type { JournalEntry } from '../ledger/types';
import { childThreadId, childWaitId, effectKeyOfStep } from '../run/child-thread-id';
import { isTimeoutCode } from '../run/late-replies';
import { lateReplyError } from '../run/run-errors';
import type { Checkpointer } from '../store/types';

/** Child agents of child agents looked into, at most: a chart nests a few, not hundreds. */
const maxDepth = 8;

/**
 * The late-reply error for a reply to `threadId` naming `waitId`, when that is a wait of one
 * of the thread's child agents (or of theirs) that timed out, as their journals say, named as
 * the parent lists it ({@link childWaitId}: `refunds#1/<wait>`) — the
 * parent's own journal does not list its children's waits. Read only when a reply found no
 * wait: a restored thread, or another process, tells a late answer to a child's wait as the
 * process that ran it does. Undefined when no child's journal has that wait timed out.
 */
export async function childLateReply(
  checkpointer: Checkpointer,
  threadId: string,
  waitId: string,
): Promise<RunError | undefined> {
  const found = await findWait(checkpointer, threadId, waitId, 0);
  if (!found) return undefined;
  const { error, meta } = found;
  const deadline = meta?.deadline;
  if (found.status !== 'failed' || !isTimeoutCode(error?.code) || typeof deadline !== 'number') {
    return undefined;
  }
  return lateReplyError({ waitId, deadline, code: error.code });
}

/**
 * The journal entry of the wait `waitId` in the children of `threadId`, depth first; `waitId`
 * is qualified by the child's effect key at each level, as the parent lists it.
 */
async function findWait(
  checkpointer: Checkpointer,
  threadId: string,
  waitId: string,
  depth: number,
): Promise<JournalEntry | undefined> {
  if (depth >= maxDepth) return undefined;
  const entries = await checkpointer.listEffects(threadId);
  for (const entry of entries) {
    if (entry.kind !== 'agent') continue;
    const effectKey = effectKeyOfStep(entry.key);
    const inChild = withoutChildPrefix(effectKey, waitId);
    if (inChild === undefined) continue;
    const child = childThreadId(threadId, effectKey);
    const childEntries = await checkpointer.listEffects(child);
    const wait = childEntries.find((item) => item.kind === 'human' && item.key === inChild);
    if (wait) return wait;
    const deeper = await findWait(checkpointer, child, inChild, depth + 1);
    if (deeper) return deeper;
  }
  return undefined;
}

/** `waitId` as the child of `effectKey` names it, or undefined when it is not that child's. */
function withoutChildPrefix(effectKey: string, waitId: string): string | undefined {
  const prefix = childWaitId(effectKey, '');
  return waitId.startsWith(prefix) ? waitId.slice(prefix.length) : undefined;
}
