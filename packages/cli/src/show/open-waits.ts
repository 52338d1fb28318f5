import { childWaitId, effectStillRuns } from '@agentchart/core/internal';
import type { ReplySchemaLookup } from './reply-schemas-now';
import { childThreadOf, type InspectedStore } from './thread-timeline';
import { waitPrompt } from './wait-prompt';

/** A human wait still open in a thread or in a child agent it waits on. */
export interface OpenWait {
  /** The thread whose run holds the wait (a child agent's). */
  threadId: string;
  /**
   * What `--wait-id` names: the wait's journal key, qualified for a child agent's wait by the
   * child's thread below the thread listed (`refunds#1/<key>`), as that thread's run lists it.
   */
  waitId: string;
  /** The chart state that waits. */
  state: string | null;
  prompt: string;
  /**
   * The JSON Schema a reply must fit: the agent's code's, when its module was given and it
   * has the wait's `humanWait`, else the one the wait recorded when it opened (if any).
   */
  replySchema?: unknown;
  /**
   * Set when the agent's code checks replies with another schema than the one recorded when
   * the wait opened (a deploy changed it since): what the wait's journal entry recorded, which
   * a reply no longer needs to fit.
   */
  recordedReplySchema?: unknown;
  /** When the wait began. */
  since: number;
  /** When it times out, if it does. */
  deadline?: number;
  /** Parts of what the wait shows were redacted before it was stored. */
  redacted?: true;
  /** An approval (`askApproval`): past its deadline a reply is refused with `approval.expired`. */
  approval?: true;
}

/**
 * What waits whose deadline has passed tell whoever would answer them: they are still listed
 * (nothing has run their timeout yet), but a reply now is refused, with the code of their
 * kind: `approval.expired` for an approval, `human.timeout` for any other wait.
 */
export function passedDeadlineNote(waits: readonly { approval?: true }[]): string {
  const codes = [
    ...new Set(waits.map((wait) => (wait.approval ? 'approval.expired' : 'human.timeout'))),
  ].sort();
  return `a reply now is refused (${codes.join(', ')}): the thread takes its timeout path when agentchart worker wakes it or it is resumed`;
}

/** True once the wait's deadline has passed at `now`: a reply is refused with `human.timeout`. */
export function deadlinePassed(wait: { deadline?: number }, now: number): boolean {
  return wait.deadline !== undefined && now >= wait.deadline;
}

/**
 * The human waits open in `threadId` and in the child agents it runs (a parent waits while
 * its child waits; the child's wait is answered through the parent), read from the journal:
 * its human steps still `started`, less those whose state the thread's latest checkpoint
 * shows was left (a `PAUSE` out of the wait, an `after` timer beside it), which no reply
 * reaches any more.
 */
export async function openWaits(
  store: Pick<InspectedStore, 'listEffects' | 'latest'>,
  threadId: string,
  depth = 0,
  root = threadId,
  replySchemaNow?: ReplySchemaLookup,
): Promise<OpenWait[]> {
  const waits: OpenWait[] = [];
  const [entries, checkpoint] = await Promise.all([
    store.listEffects(threadId),
    store.latest(threadId),
  ]);
  const stillRuns = (key: string) => checkpoint === undefined || effectStillRuns(checkpoint, key);
  for (const entry of entries) {
    if (entry.status !== 'started' || !stillRuns(entry.key)) continue;
    if (entry.kind === 'human') {
      const deadline = entry.meta?.deadline;
      const recorded = entry.meta?.replySchema;
      // A child agent's wait is its own chart's, which the parent's agent does not run.
      const now =
        depth === 0 && checkpoint !== undefined && checkpoint.run.parentThreadId === undefined
          ? replySchemaNow?.(checkpoint.run.agent, {
              state: typeof entry.meta?.state === 'string' ? entry.meta.state : null,
              site: entry.site,
            })
          : undefined;
      const replySchema = now === undefined ? recorded : now.schema;
      const changed = now !== undefined && !sameJson(now.schema, recorded);
      waits.push({
        threadId,
        waitId:
          threadId === root ? entry.key : childWaitId(threadId.slice(root.length + 1), entry.key),
        state: typeof entry.meta?.state === 'string' ? entry.meta.state : null,
        prompt: waitPrompt(entry),
        ...(replySchema === undefined ? {} : { replySchema }),
        ...(changed ? { recordedReplySchema: recorded ?? null } : {}),
        since: entry.startedAt,
        ...(typeof deadline === 'number' ? { deadline } : {}),
        ...(entry.meta?.inputRedacted === true ? { redacted: true as const } : {}),
        // askApproval records the hash of the arguments it shows; no other wait does.
        ...(entry.meta?.argumentsHash === undefined ? {} : { approval: true as const }),
      });
    } else if (entry.kind === 'agent' && depth < 4) {
      waits.push(...(await openWaits(store, childThreadOf(entry), depth + 1, root)));
    }
  }
  return waits;
}

/** Two JSON values alike, whatever the order of their objects' keys. */
export function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(sortedKeys(a)) === JSON.stringify(sortedKeys(b));
}

function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortedKeys((value as Record<string, unknown>)[key])]),
  );
}
