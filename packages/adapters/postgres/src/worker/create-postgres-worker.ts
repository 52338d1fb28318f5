import type { Agent, AgentFactory, PruneOptions } from '@agentchart/core';
import { checkOptionNames } from '@agentchart/core/internal';
import type pg from 'pg';
import { type ConstructorOptions, PgBoss } from 'pg-boss';
import { queuePoolTimeouts } from '../check-postgres-options';
import { ownedClients } from '../owned-clients';
import { PostgresCheckpointer } from '../postgres-checkpointer';
import { describeServer, storageFailure } from '../postgres-storage-error';
import { checkAgentName, checkConcurrencyNames, checkWorkerOptions } from './check-worker-options';
import { handleThreadJob, type ThreadJobResult } from './handle-thread-job';
import { queueWarnings } from './queue-warnings';
import { refusedJobWarning } from './refused-by-this-code';
import { storableJobResult } from './storable-job-outcome';
import {
  queueNameOf,
  type ThreadJob,
  ThreadJobs,
  type ThreadQueueSettings,
  threadQueueOptions,
} from './thread-jobs';
import { threadQueues } from './thread-queues';
import { WakeScheduler } from './wake-scheduler';

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

/** A running worker; see {@link createPostgresWorker}. */
export interface PostgresWorker {
  /** Puts jobs on the queue: start a thread, answer a wait, send an event, wake one. */
  readonly jobs: ThreadJobs;
  /** The agents it runs, by name. */
  readonly agents: ReadonlyMap<string, Agent>;
  /** The store it runs them on. */
  readonly checkpointer: PostgresCheckpointer;
  /**
   * Shuts down gracefully: takes no new job; working runs start no new step, and their steps
   * in flight finish for up to `timeoutMs`; then it hands them back (their jobs return to
   * the queue for another worker,
   * their leases are released), stops pg-boss and closes the store. Call it on SIGTERM.
   */
  close(options?: { timeoutMs?: number | undefined }): Promise<void>;
}

/**
 * Starts a worker that runs agents' threads from a job queue in PostgreSQL (pg-boss; see
 * ADR 0016): any number of workers on any number of machines share one database. Starting
 * a run, a human reply, an event and a timer's wake-up are jobs; a crashed worker's jobs
 * go to the others once its heartbeat stops. The thread's lease and the checkpoint's
 * compare-and-set make a second worker on the same thread harmless; the journal makes a
 * resumed step pay for nothing twice.
 *
 * @example
 * ```ts
 * const worker = await createPostgresWorker({
 *   connectionString: process.env.DATABASE_URL!,
 *   agents: [supportAgent],           // agentFactory((host) => createAgent({ ..., ...host }))
 *   concurrency: 20,
 * });
 * process.once('SIGTERM', () => void worker.close());
 * await worker.jobs.start('support', { threadId: 'T-1', input: { ticket: '…' } });
 * ```
 */
export async function createPostgresWorker(
  options: PostgresWorkerOptions,
): Promise<PostgresWorker> {
  checkWorkerOptions(options);
  const {
    connectionString,
    concurrency = 10,
    tenantConcurrency,
    schema,
    jobSchema = 'agentchart_jobs',
    leaseTtlMs = 15_000,
    schedulerIntervalMs = 1_000,
    orphanIntervalMs = 10_000,
    pollingIntervalSeconds = 0.5,
    monitorIntervalSeconds = 5,
    poolSize = 10,
    queryTimeoutMs = 30_000,
    onError = queueWarnings(describeServer(connectionString)),
  } = options;
  const checkpointer = new PostgresCheckpointer({
    connectionString,
    max: poolSize,
    queryTimeoutMs,
    ...(schema === undefined ? {} : { schema }),
  });
  const agents = new Map<string, Agent>();
  try {
    for (const factory of options.agents) {
      // Waiting runs leave memory: the scheduler wakes them from the store when they are due.
      const agent = factory.create({ checkpointer, evictWaiting: true, leaseTtlMs });
      checkAgentName(agents, agent.name);
      agents.set(agent.name, agent);
    }
    if (typeof concurrency === 'object') checkConcurrencyNames(concurrency, agents);
  } catch (error) {
    await checkpointer.close();
    throw error;
  }
  // Its pool's clients close their sockets when a login fails, as the checkpointer's do.
  const bossClients = ownedClients();
  const bossOptions: ConstructorOptions & { Client: typeof pg.Client } = {
    connectionString,
    Client: bossClients.Client,
    schema: jobSchema,
    max: poolSize,
    ...queuePoolTimeouts(queryTimeoutMs),
    monitorIntervalSeconds,
    superviseIntervalSeconds: monitorIntervalSeconds,
    // The queue's backlog, read by the burst trigger below, is refreshed this often.
    queueCacheIntervalSeconds: monitorIntervalSeconds,
  };
  const boss = new PgBoss(bossOptions);
  boss.on('error', onError);
  try {
    await boss.start();
  } catch (error) {
    bossClients.destroyAll();
    await checkpointer.close();
    // The first thing to reach the database: a wrong URL or a server down shows up here.
    throw storageFailure(error, describeServer(connectionString), 'starting the job queue');
  }
  const ensureQueue = threadQueues(boss, threadQueueOptions(options));
  const jobs = new ThreadJobs(boss, ensureQueue, describeServer(connectionString));
  let closing = false;
  const workIds: string[] = [];
  for (const [name, agent] of agents) {
    const queue = queueNameOf(name);
    await ensureQueue(queue, { served: true });
    const limit = typeof concurrency === 'number' ? concurrency : (concurrency[name] ?? 10);
    workIds.push(
      await boss.work<ThreadJob, ThreadJobResult>(
        queue,
        {
          localConcurrency: limit,
          batchSize: 1,
          pollingIntervalSeconds,
          // With a backlog, a free slot takes the next job at once instead of after its
          // polling interval: a thread's run is often shorter than the interval.
          burstWhenReadyExceeds: 1,
          ...(tenantConcurrency === undefined ? {} : { groupConcurrency: tenantConcurrency }),
        },
        async ([job]) => {
          try {
            const result = await handleThreadJob(agent, job!.data, { closing: () => closing });
            return storableJobResult(result);
          } catch (error) {
            const refused = refusedJobWarning(job!.data, error);
            if (refused) onError(refused);
            throw error;
          }
        },
      ),
    );
  }
  const scheduler = new WakeScheduler({
    checkpointer,
    jobs,
    intervalMs: schedulerIntervalMs,
    orphanIntervalMs,
    batchSize: 100,
    // An owner renews every third of its lease time: a lease unchanged for a whole one (and
    // at least 15 s, as other processes' agents may beat less often) has no owner left.
    leaseGraceMs: Math.max(leaseTtlMs, 15_000),
    defaultAgent: agents.size === 1 ? [...agents.keys()][0] : undefined,
    onError,
  });
  scheduler.start();
  const retention = options.retention;
  const pruning =
    retention === undefined
      ? undefined
      : setInterval(() => {
          void checkpointer
            .prune({
              before: Date.now() - retention.olderThanMs,
              statuses: retention.statuses ?? ['done', 'failed', 'limit', 'stopped'],
            })
            .catch(onError);
        }, retention.intervalMs ?? 3_600_000);
  pruning?.unref();
  return {
    jobs,
    agents,
    checkpointer,
    async close(closeOptions = {}) {
      // A misspelt `timout` would wait the default instead of the time meant.
      checkOptionNames('worker.close', closeOptions, ['timeoutMs']);
      const { timeoutMs = 10_000 } = closeOptions;
      if (closing) return;
      closing = true;
      if (pruning) clearInterval(pruning);
      await scheduler.stop();
      // No new jobs from here; the ones in hand finish when their runs come to rest, or
      // fail (and go back to the queue) when their runs are handed back.
      for (const name of agents.keys()) await boss.offWork(queueNameOf(name), { wait: false });
      await Promise.all([...agents.values()].map((agent) => agent.close({ timeoutMs })));
      await boss.stop({ graceful: true, timeout: timeoutMs, close: true });
      bossClients.destroyAll();
      await checkpointer.close();
    },
  };
}
