import type { AgentFactory, PruneOptions } from '@agentchart/core';
import type { ThreadQueueSettings } from './thread-jobs';

/** Options of {@link createPostgresWorker}. */
export interface PostgresWorkerOptions extends ThreadQueueSettings {
  /** `postgres://…`: checkpoints, journal, leases and the job queue live in this database. */
  connectionString: string;
  /** The agents this worker runs, each created on the worker's store. */
  agents: readonly AgentFactory[];
  /**
   * Threads of one agent this worker runs at once (a number for every agent, or by agent
   * name). Default 10. A worker takes no more jobs than this: the rest wait in the queue,
   * for it or another worker.
   */
  concurrency?: number | Readonly<Record<string, number>> | undefined;
  /**
   * Threads of one tenant running at once across all workers (jobs carry their tenant as a
   * pg-boss group, counted in the database). Default: no cap.
   */
  tenantConcurrency?: number | undefined;
  /**
   * Connections of each of the worker's two pools (its store's and pg-boss's). Default 10:
   * a worker holds up to twice this; keep workers × 2 × poolSize under the server's
   * `max_connections`.
   */
  poolSize?: number | undefined;
  /** The schema of the checkpoint tables. Default `public`. */
  schema?: string | undefined;
  /** The schema of pg-boss's job tables. Default `agentchart_jobs`. */
  jobSchema?: string | undefined;
  /**
   * How long a call on the database may wait for a connection, and for each answer, before
   * it fails (`storage.unavailable` or `storage.timeout`), in both of the worker's pools (the
   * store's, the checkpointer's `queryTimeoutMs`, and the job queue's). It bounds what a hung
   * server can hold, runs and `close()` alike. Default 30 000.
   */
  queryTimeoutMs?: number | undefined;
  /** How long a run's lease lasts without a heartbeat. Default 15 000. */
  leaseTtlMs?: number | undefined;
  /** How often the scheduler looks for due threads. Default 1000. */
  schedulerIntervalMs?: number | undefined;
  /**
   * How often it looks for threads a dead process left running. Default 10 000. Such a
   * thread is woken once its lease has stood still, unrenewed, for the lease time (at least
   * 15 s) on this worker's own monotonic clock, so a wall clock stepped forward takes no live
   * run's thread.
   */
  orphanIntervalMs?: number | undefined;
  /** How often an idle worker asks for jobs, in seconds. Default 0.5 (pg-boss's minimum). */
  pollingIntervalSeconds?: number | undefined;
  /** How often pg-boss checks for jobs whose worker stopped heartbeating. Default 5. */
  monitorIntervalSeconds?: number | undefined;
  /**
   * Retention: every `intervalMs` (default an hour), threads that ended longer than
   * `olderThanMs` ago (at least a minute) are pruned (see `PostgresCheckpointer.prune`),
   * but for a child agent's thread whose parent is still running or waiting.
   * Default: kept forever.
   */
  retention?: RetentionOptions | undefined;
  /**
   * Errors of the scheduler and of pg-boss itself, and jobs this worker's code refused (its
   * machine version is not the thread's, say, after a rollback: `AgentchartJobRefused`, the
   * restore's error as its `cause`). Default: a process warning, typed, and one a minute for
   * failures alike (an outage fails every poll).
   */
  onError?: ((error: unknown) => void) | undefined;
}

/** What a worker prunes, and how often; see {@link PostgresWorkerOptions.retention}. */
export interface RetentionOptions {
  olderThanMs: number;
  /** Default: every ended status (done, failed, limit, stopped). */
  statuses?: PruneOptions['statuses'] | undefined;
  /** Default 3 600 000 (hourly). */
  intervalMs?: number | undefined;
}
