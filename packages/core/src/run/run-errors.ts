import { RunError } from '../errors/run-error';

/** Thrown when an event reaches a handle whose run was evicted while waiting. */
export function evictedError(threadId: string, what: string): RunError {
  return new RunError('run.not_found', {
    message: `Thread "${threadId}" was evicted from memory while waiting (with a durable store, waiting runs leave memory by default: createAgent's evictWaiting); this handle no longer reaches it. Deliver "${what}" with agent.send("${threadId}", event), which restores the thread from its checkpoint.`,
    details: { threadId },
  });
}

/** Thrown when an event reaches a run that has ended. */
export function endedError(threadId: string, status: string, what: string): RunError {
  return new RunError('run.not_waiting', {
    message: `Thread "${threadId}" has ended (${status}); "${what}" cannot be delivered. Start a new thread, or fork this one from a checkpoint.`,
    details: { status },
  });
}
