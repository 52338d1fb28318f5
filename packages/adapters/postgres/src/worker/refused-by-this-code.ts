import { AgentchartError } from '@agentchart/core';
import type { ThreadJob } from './thread-job';

/**
 * Restore failures that say this worker's code cannot run the thread as it is stored: its
 * machine version differs and no `migrate` takes it (a rollback, a worker left on an older
 * release), its migrate returned a state the machine cannot run, or the store's rows are of
 * a schema or state this code cannot read. The job is tried again — a worker of the right
 * release takes it — but if none runs, it fails for good after its retries and what it
 * carried (a person's reply) is only in `jobs.result`: the operator must hear of it.
 */
const refusedByThisCode = new Set([
  'checkpoint.version_mismatch',
  'checkpoint.invalid_migration',
  'checkpoint.unsupported_schema',
  'checkpoint.corrupt',
]);

/**
 * The warning for a job whose thread this worker's code refused (see above), or undefined for
 * any other failure: a lease held or a lost race is the queue's ordinary retry, not news.
 */
export function refusedJobWarning(job: ThreadJob, error: unknown): Error | undefined {
  if (!AgentchartError.isInstance(error) || !refusedByThisCode.has(error.code)) return undefined;
  const warning = new Error(
    `A ${job.kind} job for thread "${job.threadId}" was refused by this worker and goes back to the queue (${error.code}): ${error.message} A worker that can run the thread takes it; with none, the job fails for good after its retries, and what it carried stays only in jobs.result.`,
    { cause: error },
  );
  warning.name = 'AgentchartJobRefused';
  return warning;
}
