import type { Checkpoint, Checkpointer } from '@agentchart/core';

/**
 * The thread a host drives for `checkpoint`'s: itself, or for a child agent's thread the
 * parent at the top of its family (a child's wait is answered through it).
 */
export async function rootOf(
  checkpointer: Checkpointer,
  checkpoint: Checkpoint,
): Promise<{ threadId: string; agent: string | undefined }> {
  let { threadId } = checkpoint;
  let { agent, parentThreadId } = checkpoint.run;
  for (let depth = 0; parentThreadId !== undefined && depth < 16; depth++) {
    const parent = await checkpointer.latest(parentThreadId);
    threadId = parentThreadId;
    agent = parent?.run.agent;
    parentThreadId = parent?.run.parentThreadId;
  }
  return { threadId, agent };
}
