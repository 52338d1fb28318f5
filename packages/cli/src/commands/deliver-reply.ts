import { type Agent, RunError, type RunHandle } from '@agentchart/core';

/** A human's answer to a thread's wait. */
export interface Reply {
  value: unknown;
  /** Which wait, when the thread has several pending. */
  waitId?: string;
}

/** An open wait as the caller read it from the store: what the approval check needs. */
export interface ReplyTarget {
  waitId: string;
  prompt: string;
  replySchema?: unknown;
  /** An approval (`askApproval`), whose recorded reply schema names its arguments' hash. */
  approval?: true;
}

/**
 * Delivers a human reply to a thread — resuming it from its checkpoint first when no process
 * holds it — and returns its live run, whose `result()` is its next rest. The one way replies
 * reach runs from the command line and the studio alike; a reply that does not fit the wait's
 * schema is refused (`human.invalid_reply`) and the wait stays open.
 *
 * `waits` are the thread's open waits as read from the store. A reply to an approval must
 * name the hash of the arguments it approves (`argumentsHash`), as the schema `waits`, `show`
 * and the studio print says: from outside the process, the call a person was shown may not be
 * the one the thread asks about when the reply arrives (it moved on to another call), and
 * only the hash tells. Core checks a hash given against the wait's; in-process callers, who
 * answer the wait their handle lists, may leave it out.
 */
export function deliverReply(
  agent: Pick<Agent, 'send'>,
  threadId: string,
  { value, waitId }: Reply,
  waits: readonly ReplyTarget[] = [],
): Promise<RunHandle> {
  const refused = unboundApprovalReply(waits, {
    value,
    ...(waitId === undefined ? {} : { waitId }),
  });
  if (refused) return Promise.reject(refused);
  return agent.send(threadId, {
    type: 'human.reply',
    value,
    ...(waitId === undefined ? {} : { waitId }),
  });
}

/**
 * The refusal (`human.invalid_reply`) of a reply to an approval among `waits` that does not
 * name the hash of the arguments it approves; `undefined` for any other reply. The wait is the
 * one `reply.waitId` names, else the only one open (several, unnamed: core refuses the reply).
 */
export function unboundApprovalReply(
  waits: readonly ReplyTarget[],
  { value, waitId }: Reply,
): RunError | undefined {
  const target =
    waitId === undefined
      ? waits.length === 1
        ? waits[0]
        : undefined
      : waits.find((wait) => wait.waitId === waitId);
  if (!target?.approval || namesArgumentsHash(value)) return undefined;
  return unboundApprovalError(target, value);
}

function namesArgumentsHash(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { argumentsHash?: unknown }).argumentsHash === 'string'
  );
}

/** The refusal of an approval reply that does not say which arguments it approves. */
function unboundApprovalError(wait: ReplyTarget, value: unknown): RunError {
  const hash = (wait.replySchema as { properties?: { argumentsHash?: { const?: unknown } } })
    ?.properties?.argumentsHash?.const;
  const example =
    typeof hash === 'string'
      ? JSON.stringify({ approved: true, argumentsHash: hash })
      : '{"approved":true,"argumentsHash":"<the hash agentchart show prints>"}';
  return new RunError('human.invalid_reply', {
    message: `The reply to approval "${wait.waitId}" does not name the hash of the arguments it approves (argumentsHash), which a reply from outside the process must: the call asked about now is the one to approve, not one seen before. It asks: ${wait.prompt}. If that is the call you mean, reply ${example} (or "approved": false); the wait stays open.`,
    details: { waitId: wait.waitId, value },
  });
}
