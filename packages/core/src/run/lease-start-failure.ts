import { CheckpointError } from '../store/checkpoint-error';
import type { AgentRuntime } from './agent-runtime';

/**
 * A lease take's failure as a starting run reports it: a refusal (`checkpoint.lease_held`)
 * says what a start can do about it; any other failure is returned as it is.
 */
export async function leaseStartFailure(
  checkpointer: AgentRuntime['checkpointer'],
  threadId: string,
  now: number,
  error: unknown,
): Promise<unknown> {
  if (!CheckpointError.isInstance(error) || error.code !== 'checkpoint.lease_held') return error;
  return startRefused(checkpointer, threadId, now, error);
}

/**
 * The `checkpoint.lease_held` of a run that could not start: the store's own message tells
 * how to take a thread from a process that died mid-run (`resume` with `force`), which a
 * start cannot do. A start needs an id no run holds; a process that died before its run's
 * first checkpoint left only its lease, which frees the id when it lapses.
 */
async function startRefused(
  checkpointer: AgentRuntime['checkpointer'],
  threadId: string,
  now: number,
  refusal: CheckpointError,
): Promise<CheckpointError> {
  const holder = await checkpointer.getLease(threadId).catch(() => undefined);
  // Read after the refusal: the holder may have let go meanwhile (a run that came to rest).
  const until = !holder
    ? 'another run holds it'
    : holder.expiresAt > now
      ? `run "${holder.owner}" holds it for ${Math.ceil(holder.expiresAt - now)} ms more (until ${new Date(holder.expiresAt).toISOString()})`
      : `run "${holder.owner}" held it when this start asked for it (it has let go since, most likely at its first rest)`;
  return new CheckpointError(
    'checkpoint.lease_held',
    threadId,
    `Thread "${threadId}" cannot start: ${until}, so another process is starting or running this thread id. Start the new thread under another id (or leave threadId out to have one made). If that process died before its run's first checkpoint, only its lease is left: the id is free once the lease lapses, or at once with agent.start({ threadId: "${threadId}", input, force: true }) if you know that process is gone. A thread that has a checkpoint is continued with agent.resume("${threadId}"), not started again.`,
    refusal,
  );
}
