/** The message of a `checkpoint.conflict` on a checkpoint write, shared by every store. */
export function conflictMessage(threadId: string, current: number, attempted: number): string {
  if (attempted === 1) {
    return `Thread "${threadId}" already exists (at checkpoint ${current}); a new run cannot start under its id. Continue it with agent.resume("${threadId}"), or start a new thread id.`;
  }
  return `Thread "${threadId}" is at checkpoint ${current}, but this run tried to write ${attempted}: another run (in this or another process) advanced it. Only one run may own a thread: reload it with agent.resume() and continue from there.`;
}

/** The message of a `checkpoint.conflict` on a journal write from a run that lost its thread. */
export function fencedMessage(threadId: string, key: string, version: number): string {
  return `Thread "${threadId}" was taken over by another run (its checkpoint ${version} names another owner), so this run may not start effect "${key}". Nothing was executed. Reload the thread with agent.resume() if this process should continue it.`;
}
