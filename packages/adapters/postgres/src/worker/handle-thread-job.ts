import {
  type Agent,
  AgentchartError,
  RunError,
  type RunHandle,
  type RunOutcome,
  StorageError,
} from '@agentchart/core';
import type { StorageErrorCode } from '@agentchart/core/internal';
import type { ThreadJob } from './thread-jobs';

/** What a completed job reports (stored as the job's output). */
export interface ThreadJobResult {
  threadId: string;
  /** The thread's rest, or why the job had nothing to do. */
  status: RunOutcome['status'] | 'already-ended' | 'already-answered' | 'refused';
  detail?: string;
}

/** Thrown when the worker handed a working run back on shutdown: the job goes to another. */
export class HandedBackError extends Error {
  constructor(threadId: string) {
    super(
      `Thread "${threadId}" was handed back to the store as this worker shut down; another worker continues it.`,
    );
    this.name = 'HandedBackError';
  }
}

/**
 * Does one thread job with `agent`: starts, answers, sends to or wakes the thread and waits
 * for its next rest. Resolves when the job is done (whatever the run's outcome: a failed run
 * is the chart's result, not the job's failure); rejects when the job must be tried again
 * later — another live run holds the thread (`checkpoint.lease_held`), a race for its next
 * version was lost (`checkpoint.conflict`), the database failed under the run (a
 * `storage.*` error), a start lost its thread before any checkpoint of it was stored, or the
 * worker is shutting down.
 *
 * A job can arrive twice (its first worker died after acting but before completing it). A
 * start whose thread exists resumes it; a reply to a wait already answered, or a wake of a
 * thread that ended, does nothing. The thread's lease and the checkpoint's compare-and-set
 * make a second worker harmless; the journal makes a resumed step pay for nothing twice.
 */
export async function handleThreadJob(
  agent: Agent,
  job: ThreadJob,
  { closing }: { closing: () => boolean },
): Promise<ThreadJobResult> {
  const { threadId } = job;
  const stored = await agent.getCheckpoint(threadId);
  if (stored && stored.run.status !== 'running' && stored.run.status !== 'waiting') {
    return { threadId, status: 'already-ended', detail: stored.run.status };
  }
  let handle: RunHandle;
  try {
    switch (job.kind) {
      case 'start':
        handle = stored
          ? await agent.resume(threadId)
          : agent.start({
              threadId,
              input: job.input as never,
              ...(job.tenantId === undefined ? {} : { tenantId: job.tenantId }),
            });
        break;
      case 'wake':
        if (!stored) return { threadId, status: 'refused', detail: 'no such thread' };
        handle = await agent.resume(threadId);
        break;
      case 'reply':
        if (!stored) return { threadId, status: 'refused', detail: 'no such thread' };
        handle = await agent.send(threadId, {
          type: 'human.reply',
          value: job.value,
          waitId: job.waitId,
        });
        break;
      case 'event':
        if (!stored) return { threadId, status: 'refused', detail: 'no such thread' };
        handle = await agent.send(threadId, job.event);
        break;
    }
  } catch (error) {
    if (AgentchartError.isInstance(error)) {
      // Answered before (a redelivered reply): that wait is gone, and no other takes it.
      if (error.code === 'run.not_waiting' && job.kind === 'reply') {
        return { threadId, status: 'already-answered', detail: error.message };
      }
      // A start refused as it is called (a thread or tenant id no store keeps): the queue's
      // retries would be refused the same, fifty times over.
      if (job.kind === 'start' && error.code === 'definition.invalid_option') {
        return { threadId, status: 'refused', detail: error.message };
      }
      // A reply the wait refuses, or one that came after its deadline (the wait timed out
      // instead): trying the job again would be refused again.
      if (
        error.code === 'human.invalid_reply' ||
        (job.kind === 'reply' &&
          (error.code === 'human.timeout' || error.code === 'approval.expired'))
      ) {
        return { threadId, status: 'refused', detail: error.message };
      }
    }
    throw error;
  }
  let outcome: Awaited<ReturnType<typeof handle.result>>;
  try {
    outcome = await handle.result();
  } catch (error) {
    if (!RunError.isInstance(error) || error.code !== 'run.already_running') throw error;
    // A start the store refused: the thread is held or stored elsewhere. With no checkpoint
    // stored (a worker died holding its lease, or took it before its first checkpoint), try
    // the start again; a stored thread is another start's, and this job is refused.
    if ((await agent.getCheckpoint(threadId)) === undefined) {
      throw new Error(
        `${error.message} No checkpoint of the thread was stored: the start is tried again.`,
      );
    }
    return { threadId, status: 'refused', detail: error.message };
  }
  if (outcome.status === 'stopped' && closing()) throw new HandedBackError(threadId);
  if (outcome.status === 'failed' && outcome.error.code === 'checkpoint.lease_held') {
    // A new thread whose lease a dead worker still holds (it died before its first
    // checkpoint): try again once that lease lapses.
    throw new Error(outcome.error.message);
  }
  if (outcome.status === 'failed' && outcome.error.code.startsWith('storage.')) {
    // The database failed under the run (out of reach, a timeout): the store keeps what was
    // written, and the job must be tried again, or a start that wrote nothing yet is lost.
    const { code, message, path } = outcome.error as {
      code: string;
      message: string;
      path?: unknown;
    };
    throw new StorageError(code as StorageErrorCode, typeof path === 'string' ? path : '', message);
  }
  if (outcome.status === 'failed' && isTakeover(outcome)) {
    // A start that lost its thread before any checkpoint of it was stored leaves nothing
    // another worker continues, nor anything the orphan scan finds: try the job again.
    if (job.kind === 'start' && (await agent.getCheckpoint(threadId)) === undefined) {
      throw new Error(
        `${outcome.error.message} No checkpoint of the thread was stored: the start is tried again.`,
      );
    }
    // Another worker took the thread (this one stalled past its lease): its job continues.
    return { threadId, status: 'failed', detail: outcome.error.message };
  }
  return { threadId, status: outcome.status };
}

function isTakeover(outcome: Extract<RunOutcome, { status: 'failed' }>): boolean {
  return outcome.error.code === 'run.taken_over' || outcome.error.code === 'checkpoint.conflict';
}
