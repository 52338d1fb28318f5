/**
 * @module @agentchart/postgres
 * PostgreSQL for agentchart: a checkpointer (checkpoints, journal, leases, thread index,
 * shared by any number of processes) and workers that run threads from a job queue in the
 * same database.
 */
export { PostgresCheckpointer, type PostgresCheckpointerOptions } from './postgres-checkpointer';
export type { ClaimDueOptions } from './postgres-threads';
export {
  createPostgresWorker,
  type PostgresWorker,
  type PostgresWorkerOptions,
  type RetentionOptions,
} from './worker/create-postgres-worker';
export { createThreadJobs, type ThreadJobsOptions } from './worker/create-thread-jobs';
export type { ThreadJobResult } from './worker/handle-thread-job';
export { type QueueWarningsOptions, queueWarnings } from './worker/queue-warnings';
export { ThreadJobError, type ThreadJobErrorCode } from './worker/thread-job-error';
export type { ThreadJobResultOptions } from './worker/thread-job-result';
export {
  queueNameOf,
  type ThreadJob,
  ThreadJobs,
  type ThreadQueueSettings,
} from './worker/thread-jobs';
