import { checkOptionNames } from '@agentchart/core/internal';
import type { JobWithMetadata, PgBoss } from 'pg-boss';
import { checkDelay } from '../check-postgres-options';
import { storageFailure } from '../postgres-storage-error';
import type { ThreadJob, ThreadJobResult } from './thread-job';
import { ThreadJobError } from './thread-job-error';

/** Options of `jobs.result`. */
export interface ThreadJobResultOptions {
  /**
   * How long to wait for the job to finish before failing with `job.timeout` (the job goes
   * on). 0 looks once. Default 30 000.
   */
  timeoutMs?: number | undefined;
  /**
   * The tenant the caller acts for, as given to the job's `start`, `reply`, `event` or
   * `wake`. When given, a job sent for another tenant, or for none, is answered as one that
   * does not exist (`job.not_found`), naming nothing of it: a job id shown to one tenant
   * never tells another what became of that tenant's thread (ADR 0065).
   */
  tenantId?: string | undefined;
}

/** What `jobs.start`, `reply`, `event` and `wake` resolve to: pg-boss's job ids. */
const jobIdPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The longest pause between two looks at a job: a result is seen within about a second. */
const maxPauseMs = 1_000;

/**
 * Waits for the job `jobId` of `agent` (on its queue, `queue`) to finish and resolves to what its worker reported
 * (stored by pg-boss as the job's output). A job still queued, running or waiting for a retry
 * is looked at again, a little less often each time, until `timeoutMs` has passed.
 *
 * @throws ThreadJobError `job.not_found`, `job.timeout` or `job.failed`.
 * @throws StorageError when the database fails (given its address as `server`).
 * @throws DefinitionError `definition.invalid_option` for a misspelt option or a bad timeout.
 */
export async function waitForThreadJob(
  boss: PgBoss,
  queue: string,
  agent: string,
  jobId: string,
  options: ThreadJobResultOptions = {},
  server?: string,
): Promise<ThreadJobResult> {
  // A misspelt `timeout` would wait the default instead of the time meant.
  checkOptionNames('jobs.result', options, ['timeoutMs', 'tenantId']);
  const { timeoutMs = 30_000, tenantId } = options;
  checkDelay('jobs.result', 'timeoutMs', timeoutMs, { min: 0, unit: 'ms' });
  // On the monotonic clock: a wall clock set back (NTP) would make the wait last that much longer.
  const deadline = performance.now() + timeoutMs;
  for (let pauseMs = 50; ; pauseMs = Math.min(pauseMs * 2, maxPauseMs)) {
    const job = await readJob(boss, queue, agent, jobId, server);
    // Another tenant's job is none of this caller's: told apart from no job by nothing.
    if (tenantId !== undefined && job.data.tenantId !== tenantId) throw noSuchJob(agent, jobId);
    const what = describeJob(job, agent);
    switch (job.state) {
      case 'completed':
        return job.output as unknown as ThreadJobResult;
      case 'failed':
        throw new ThreadJobError(
          'job.failed',
          jobId,
          `${what} was given up: it failed every time it was tried, the last with "${lastError(job)}". Nothing more is done with it: send it again once the cause is fixed (a start or a reply is done once however often it is sent).`,
        );
      case 'cancelled':
        throw new ThreadJobError(
          'job.failed',
          jobId,
          `${what} was cancelled, and will not be done: send it again to have it done.`,
        );
    }
    const left = deadline - performance.now();
    if (left <= 0) {
      throw new ThreadJobError(
        'job.timeout',
        jobId,
        `${what} had not finished after ${timeoutMs} ms: ${pendingState(job, agent)}. It goes on: call jobs.result again to wait longer.`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(pauseMs, left)));
  }
}

async function readJob(
  boss: PgBoss,
  queue: string,
  agent: string,
  jobId: string,
  server: string | undefined,
): Promise<JobWithMetadata<ThreadJob>> {
  // Asked of the database, an id that is no UUID would fail as a syntax error.
  if (typeof jobId !== 'string' || !jobIdPattern.test(jobId)) {
    throw new ThreadJobError(
      'job.not_found',
      String(jobId),
      `"${String(jobId)}" is not a job id: jobs.start, reply, event and wake resolve to one (a UUID). Pass the id the job was sent with.`,
    );
  }
  let found: JobWithMetadata<ThreadJob>[];
  try {
    found = await boss.findJobs<ThreadJob>(queue, { id: jobId, limit: 1 });
  } catch (error) {
    if ((error as { code?: unknown }).code === 'PGBOSS_QUEUE_NOT_FOUND') {
      throw new ThreadJobError(
        'job.not_found',
        jobId,
        `Agent "${agent}" has no job queue: no job was ever sent for it, nor a worker started for it, so job ${jobId} is not its. Is the agent's name the one the job was sent for?`,
      );
    }
    if (server === undefined) throw error;
    throw storageFailure(error, server, `reading job ${jobId} of agent "${agent}"`);
  }
  const [job] = found;
  if (job === undefined) throw noSuchJob(agent, jobId);
  return job;
}

function noSuchJob(agent: string, jobId: string): ThreadJobError {
  return new ThreadJobError(
    'job.not_found',
    jobId,
    `The job queue of agent "${agent}" has no job ${jobId}: it was sent for another agent, or it ended over a day ago and was deleted. Pass the id and the agent the job was sent with.`,
  );
}

function describeJob({ id, data }: JobWithMetadata<ThreadJob>, agent: string): string {
  return `The ${data.kind} job ${id} of thread "${data.threadId}" for agent "${agent}"`;
}

function pendingState(job: JobWithMetadata<ThreadJob>, agent: string): string {
  switch (job.state) {
    case 'active':
      return "a worker is doing it (the thread's run has not come to rest yet)";
    case 'retry':
      return `it failed, with "${lastError(job)}", and waits to be tried again`;
    default:
      return `no worker has taken it yet (is a worker serving agent "${agent}" running on this database and job schema, or are they all busy?)`;
  }
}

/** The message of the error a failed try stored as the job's output (pg-boss serializes it). */
function lastError({ output }: JobWithMetadata<ThreadJob>): string {
  const message = (output as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : JSON.stringify(output);
}
