import type { Agent } from '@agentchart/core';
import { checkOptionNames } from '@agentchart/core/internal';
import type pg from 'pg';
import { type ConstructorOptions, PgBoss } from 'pg-boss';
import { queuePoolTimeouts } from '../check-postgres-options';
import { ownedClients } from '../owned-clients';
import { PostgresCheckpointer } from '../postgres-checkpointer';
import { describeServer, storageFailure } from '../postgres-storage-error';
import { checkAgentName, checkConcurrencyNames, checkWorkerOptions } from './check-worker-options';
import { handleThreadJob } from './handle-thread-job';
import { queueWarnings } from './queue-warnings';
import { refusedJobWarning } from './refused-by-this-code';
import { storableJobResult } from './storable-job-outcome';
import type { ThreadJob, ThreadJobResult } from './thread-job';
import { queueNameOf, ThreadJobs, threadQueueOptions } from './thread-jobs';
import { threadQueues } from './thread-queues';
import { WakeScheduler } from './wake-scheduler';
import type { PostgresWorkerOptions } from './worker-options';

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
      // Waiting runs leave memory: the scheduler wakes them from the store when they are due,
      // so no timer is kept here for each (one for a thread another worker answered stayed
      // until the deadline it had, and a worker grew with the runs the others finished).
      const agent = factory.create({
        checkpointer,
        evictWaiting: true,
        wakeWaiting: false,
        leaseTtlMs,
      });
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
