import { CheckpointError } from '../store/checkpoint-error';

/**
 * A lease take's failure as a starting run reports it: a refusal (`checkpoint.lease_held`)
 * says what a start can do about it; any other failure is returned as it is.
 */
export function leaseStartFailure(threadId: string, error: unknown): unknown {
  if (!CheckpointError.isInstance(error) || error.code !== 'checkpoint.lease_held') return error;
  return startRefused(threadId);
}

/**
 * The `checkpoint.lease_held` of a run that could not start: the store's own message tells
 * how to take a thread from a process that died mid-run (`resume` with `force`), which a
 * start cannot do. A start needs an id no run holds; a process that died before its run's
 * first checkpoint left only its lease, which frees the id when it lapses.
 *
 * It names neither the run that holds the thread nor its lease's time, and keeps no store
 * error that does as its cause: thread ids are one namespace for every tenant, so the start
 * may be another tenant's, who learns that the id is taken — as from a stored thread's
 * `checkpoint.conflict` — but not that its thread is running now, nor which run runs it. An
 * operator reads the holder with the store's `getLease` (`agentchart show`).
 */
function startRefused(threadId: string): CheckpointError {
  return new CheckpointError(
    'checkpoint.lease_held',
    threadId,
    `Thread "${threadId}" cannot start: another run holds this thread id (its lease is live), so another process is starting or running a thread under it. Start the new thread under another id (or leave threadId out to have one made; thread ids are one namespace for every tenant: prefix them with the tenant's). If the thread is yours and its process died before its run's first checkpoint, only its lease is left: the id is free once the lease lapses, or at once with agent.start({ threadId: "${threadId}", input, force: true }) if you know that process is gone. A thread that has a checkpoint is continued with agent.resume("${threadId}"), not started again.`,
  );
}
