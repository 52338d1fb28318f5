import { RunError } from '../errors/run-error';

/** Thrown when an event reaches a handle whose run was evicted while waiting. */
export function evictedError(threadId: string, what: string): RunError {
  return new RunError('run.not_found', {
    message: `Thread "${threadId}" was evicted from memory while waiting (with a durable store, waiting runs leave memory by default: createAgent's evictWaiting); this handle no longer reaches it. Deliver "${what}" with agent.send("${threadId}", event), which restores the thread from its checkpoint.`,
    details: { threadId },
  });
}

/** A wait that timed out, as a late reply to it is told. */
export interface TimedOutWait {
  readonly waitId: string;
  readonly deadline: number;
  /** The code the wait failed with: `human.timeout`, or `approval.expired` for an approval. */
  readonly code: RunError['code'];
  /** What the person was asked, when known. */
  readonly prompt?: string;
}

/**
 * Said to whoever sent a reply after the wait's deadline — to the wait itself, to a run that
 * has moved on since, or to a thread restored to hear it: the code the wait timed out with
 * (`human.timeout`, `approval.expired`) on every path, so a caller tells a late answer from
 * one sent twice (`run.not_waiting`).
 */
export function lateReplyError({ waitId, deadline, code, prompt }: TimedOutWait): RunError {
  const what = prompt === undefined ? `wait "${waitId}"` : `"${prompt}" (wait "${waitId}")`;
  return new RunError(code, {
    message: `The reply to ${what} came after its deadline, ${new Date(deadline).toISOString()}: the wait timed out and the reply was not applied. The run goes on as it does when the wait times out; to take later answers, give the wait a longer timeoutMs.`,
    details: { waitId, deadline },
  });
}

/** Thrown when an event reaches a run that has ended. */
export function endedError(threadId: string, status: string, what: string): RunError {
  return new RunError('run.not_waiting', {
    message: `Thread "${threadId}" has ended (${status}); "${what}" cannot be delivered. Start a new thread, or fork this one from a checkpoint.`,
    details: { status },
  });
}

/**
 * A checkpoint stored `running` holds the snapshot of an actor that was stopped: the run that
 * wrote it had lost its thread before that checkpoint was built. XState neither restarts such
 * an actor's effects nor reports its snapshot, so a run started on it would never act nor come
 * to rest.
 */
export function stoppedSnapshotError(threadId: string, state: unknown): RunError {
  return new RunError('run.not_resumable', {
    message: `Thread "${threadId}" cannot continue from its checkpoint: it holds the snapshot of a stopped actor (in state ${JSON.stringify(state)}), built after the run that wrote it had stopped (it had lost its thread), so it does not say which effects were in flight. Start the work again as a new thread, or fork this one from an earlier checkpoint that was still running (agent.history("${threadId}") lists them).`,
    details: { threadId, state },
  });
}
