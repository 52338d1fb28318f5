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
} from './worker/create-postgres-worker';
export { createThreadJobs, type ThreadJobsOptions } from './worker/create-thread-jobs';
export { type QueueWarningsOptions, queueWarnings } from './worker/queue-warnings';
export type { ThreadJob, ThreadJobResult } from './worker/thread-job';
export { ThreadJobError, type ThreadJobErrorCode } from './worker/thread-job-error';
export type { ThreadJobResultOptions } from './worker/thread-job-result';
export { queueNameOf, ThreadJobs, type ThreadQueueSettings } from './worker/thread-jobs';
export type { PostgresWorkerOptions, RetentionOptions } from './worker/worker-options';
