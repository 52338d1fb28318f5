import { AgentchartError } from '@agentchart/core';

/**
 * Why `jobs.result` has no result to give:
 * - `job.not_found`: the agent's queue holds no job of that id (a wrong id or agent name, or
 *   the job was deleted a day after it ended);
 * - `job.timeout`: the job had not finished when the wait ran out; it goes on, and a later
 *   call can wait again;
 * - `job.failed`: the job was given up (it failed every try, or was cancelled) and nothing
 *   more will be done with it;
 * - `job.not_queued`: `jobs.start`, `reply` or `event` sent the job and the queue gave back
 *   no job id: it kept no job (a queue made with a pg-boss policy other than `standard`,
 *   which keeps one job at a time);
 * - `job.active`: `jobs.erase` deleted nothing, because a worker is doing a job of one of the
 *   threads (a start it took would store the thread again after the erase); try again once
 *   that job has ended.
 */
export type ThreadJobErrorCode =
  | 'job.not_found'
  | 'job.timeout'
  | 'job.failed'
  | 'job.not_queued'
  | 'job.active';

/** What became of a thread job, when it is not a result; see {@link ThreadJobErrorCode}. */
export class ThreadJobError extends AgentchartError<ThreadJobErrorCode> {
  /** The job asked about; empty for `job.not_queued`, a job the queue gave no id. */
  readonly jobId: string;

  constructor(code: ThreadJobErrorCode, jobId: string, message: string, cause?: unknown) {
    super(code, { message, cause });
    this.jobId = jobId;
  }

  override toJSON() {
    return { ...super.toJSON(), jobId: this.jobId };
  }
}
