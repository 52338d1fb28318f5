import type { Agent, RunHandle } from '@agentchart/core';

/** A human's answer to a thread's wait. */
export interface Reply {
  value: unknown;
  /** Which wait, when the thread has several pending. */
  waitId?: string;
}

/**
 * Delivers a human reply to a thread — resuming it from its checkpoint first when no process
 * holds it — and returns its live run, whose `result()` is its next rest. The one way replies
 * reach runs from the command line and the studio alike; a reply that does not fit the wait's
 * schema is refused (`human.invalid_reply`) and the wait stays open.
 */
export function deliverReply(
  agent: Pick<Agent, 'send'>,
  threadId: string,
  { value, waitId }: Reply,
): Promise<RunHandle> {
  return agent.send(threadId, {
    type: 'human.reply',
    value,
    ...(waitId === undefined ? {} : { waitId }),
  });
}
