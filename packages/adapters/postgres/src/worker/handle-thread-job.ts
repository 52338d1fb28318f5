import {
  type Agent,
  AgentchartError,
  RunError,
  type RunHandle,
  type RunOutcome,
  StorageError,
  type StorageErrorCode,
} from '@agentchart/core';
import type { ThreadJob, ThreadJobResult } from './thread-job';

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
 * A job for a tenant (`tenantId`) acts only on a thread of that tenant: a reply, an event or
 * a wake for a thread of another tenant, of none, or that does not exist, is refused without
 * reading or writing anything more (ADR 0049, 0065).
 *
 * A job can arrive twice (its first worker died after acting but before completing it). A
 * start whose thread exists for the job's tenant resumes it (one stored for another tenant,
 * or for none when the job has one, is refused); a reply to a wait already answered, or a wake of a
 * thread that ended, does nothing. The thread's lease and the checkpoint's compare-and-set
 * make a second worker harmless; the journal makes a resumed step pay for nothing twice.
 */
export async function handleThreadJob(
  agent: Agent,
  job: ThreadJob,
  { closing }: { closing: () => boolean },
): Promise<ThreadJobResult> {
  const { threadId, tenantId } = job;
  const stored = await agent.getCheckpoint(threadId);
  // A start's thread that the store has for another tenant (or for none) is not this job's:
  // a redelivered start would have stored it for the job's own tenant (ADR 0065).
  if (job.kind === 'start' && stored && stored.run.tenantId !== tenantId) {
    return {
      threadId,
      status: 'refused',
      code: 'run.already_running',
      detail: takenThreadId(threadId, tenantId),
    };
  }
  // A job for a tenant acts on that tenant's threads only; another's, one of no tenant and
  // one that does not exist are refused alike, naming nothing but the job's tenant (ADR 0049).
  if (job.kind !== 'start' && tenantId !== undefined && stored?.run.tenantId !== tenantId) {
    return {
      threadId,
      status: 'refused',
      code: 'run.wrong_tenant',
      detail: notTheTenants(threadId, tenantId),
    };
  }
  if (stored && stored.run.status !== 'running' && stored.run.status !== 'waiting') {
    return { threadId, status: 'already-ended', detail: stored.run.status };
  }
  // The tenant goes to `send` and `resume` too, which check it against a run live here.
  const checked = tenantId === undefined ? {} : { tenantId };
  let handle: RunHandle;
  try {
    switch (job.kind) {
      case 'start':
        handle = stored
          ? await agent.resume(threadId, checked)
          : agent.start({ threadId, input: job.input as never, ...checked });
        break;
      case 'wake':
        if (!stored) return noSuchThread(threadId);
        handle = await agent.resume(threadId, checked);
        break;
      case 'reply':
        if (!stored) return noSuchThread(threadId);
        handle = await agent.send(
          threadId,
          { type: 'human.reply', value: job.value, waitId: job.waitId },
          checked,
        );
        break;
      case 'event':
        if (!stored) return noSuchThread(threadId);
        handle = await agent.send(threadId, job.event, checked);
        break;
    }
  } catch (error) {
    if (AgentchartError.isInstance(error)) {
      // Answered before (a redelivered reply): that wait is gone, and no other takes it.
      if (error.code === 'run.not_waiting' && job.kind === 'reply') {
        return { threadId, status: 'already-answered', code: error.code, detail: error.message };
      }
      // Not the job's tenant's thread: every retry would be refused the same.
      if (error.code === 'run.wrong_tenant') {
        return { threadId, status: 'refused', code: error.code, detail: error.message };
      }
      // A start refused as it is called (a thread or tenant id no store keeps, an input the
      // agent's input schema refuses): the queue's retries would be refused the same, fifty
      // times over, and the caller would learn only `job.failed`.
      if (
        job.kind === 'start' &&
        (error.code === 'definition.invalid_option' || error.code === 'agent.invalid_input')
      ) {
        return { threadId, status: 'refused', code: error.code, detail: error.message };
      }
      // A reply the wait refuses, one that came after its deadline (the wait timed out
      // instead), or an event no state of the thread takes now (before: reported as the
      // thread's rest, though the event was dropped): trying the job again would be refused
      // again, or take the event in a state it was not sent for.
      if (
        error.code === 'human.invalid_reply' ||
        (job.kind === 'event' && error.code === 'run.event_not_taken') ||
        (job.kind === 'reply' &&
          (error.code === 'human.timeout' || error.code === 'approval.expired'))
      ) {
        return { threadId, status: 'refused', code: error.code, detail: error.message };
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
    return { threadId, status: 'refused', code: error.code, detail: error.message };
  }
  if (outcome.status === 'stopped' && closing()) {
    // A reply the thread took before it was handed back is applied: tried again, the job
    // would report it `already-answered` or `already-ended` (a person told their reply came
    // too late), or be refused by an older worker of a rolling deploy on every retry. The
    // thread, stored `running` with its lease released, goes to the next worker's orphan scan.
    if (job.kind === 'reply' && (await replyTaken(agent, threadId, job.waitId))) {
      return {
        threadId,
        status: 'running',
        detail: `The reply was applied; this worker shut down before the thread's next rest, and another worker continues it.`,
      };
    }
    throw new HandedBackError(threadId);
  }
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

function notTheTenants(threadId: string, tenantId: string): string {
  return `Thread "${threadId}" is not a thread of tenant "${tenantId}": nothing was sent to it, restored or written. Check the thread id the job carries against the threads started for this tenant.`;
}

function takenThreadId(threadId: string, tenantId: string | undefined): string {
  const owner = tenantId === undefined ? 'started for a tenant' : `not of tenant "${tenantId}"`;
  return `Thread id "${threadId}" is taken by a thread ${owner}: nothing was started, resumed or written. Start the thread under an id of its own (prefix thread ids with their tenant's).`;
}

/**
 * Whether the store holds the wait `waitId` of the thread as answered: in the thread's own
 * journal, or, for a child agent's wait (`<child>/<wait>`, as the parent lists it), in the
 * journal of the child's thread below it. Keys hold `/` too, so each split is tried.
 */
async function replyTaken(agent: Agent, threadId: string, waitId: string): Promise<boolean> {
  const answered = async (thread: string, key: string) =>
    (await agent.journal(thread)).some(
      (entry) => entry.key === key && entry.status === 'completed',
    );
  if (await answered(threadId, waitId)) return true;
  for (let at = waitId.indexOf('/'); at > 0; at = waitId.indexOf('/', at + 1)) {
    if (await answered(`${threadId}/${waitId.slice(0, at)}`, waitId.slice(at + 1))) return true;
  }
  return false;
}

/** The result of a reply, event or wake for a thread the store does not have. */
function noSuchThread(threadId: string): ThreadJobResult {
  return {
    threadId,
    status: 'refused',
    code: 'run.not_found',
    detail: `Thread "${threadId}" is not in the store: it was never started, or was pruned after it ended.`,
  };
}

function isTakeover(outcome: Extract<RunOutcome, { status: 'failed' }>): boolean {
  return outcome.error.code === 'run.taken_over' || outcome.error.code === 'checkpoint.conflict';
}
