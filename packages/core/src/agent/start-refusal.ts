import { RunError } from '../errors/run-error';
import type { Run } from '../run/run';
import type { RunOutcome } from '../run/types';
import type { CheckpointError } from '../store/checkpoint-error';

/**
 * The error a start under a thread id the store already knows is refused with — the same
 * `run.already_running` a start of a thread running in this process throws — or undefined
 * when `outcome` is the run's own. Such a start fails before its first checkpoint: another
 * process holds the thread's lease (`checkpoint.lease_held`), or the thread has a checkpoint
 * already (`checkpoint.conflict`). Its `failed` outcome would say the thread failed, when it
 * is fine and another's: the start is refused instead, and nothing of it was stored.
 */
export function startRefusalOf(run: Run, outcome: RunOutcome): RunError | undefined {
  if (outcome.status !== 'failed' || !run.refusedAtStart) return undefined;
  const failure = run.failure as CheckpointError;
  return new RunError('run.already_running', {
    message: `${failure.message} This start stored nothing, and the thread is as the other run left it.`,
    cause: failure,
    details: { threadId: run.threadId },
  });
}
