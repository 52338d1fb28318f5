import type pg from 'pg';
import { type ConstructorOptions, PgBoss } from 'pg-boss';
import { checkQueueOptions, queuePoolTimeouts } from '../check-postgres-options';
import { ownedClients } from '../owned-clients';
import { describeServer, storageFailure } from '../postgres-storage-error';
import { queueWarnings } from './queue-warnings';
import { ThreadJobs, type ThreadQueueSettings, threadQueueOptions } from './thread-jobs';
import { threadQueues } from './thread-queues';

/** Options of {@link createThreadJobs}. */
export interface ThreadJobsOptions extends ThreadQueueSettings {
  connectionString: string;
  /** The schema of pg-boss's job tables; the workers' `jobSchema`. Default `agentchart_jobs`. */
  jobSchema?: string | undefined;
  /**
   * Errors of the queue's connections while no call is waiting on them (the server restarted,
   * an idle connection was dropped): the queue reconnects on its next call. Default: a
   * process warning, typed, and one a minute for failures alike. Without a listener such an
   * error would end the process.
   */
  onError?: ((error: unknown) => void) | undefined;
  /**
   * How long a call may wait for a connection, and for each answer, before it fails with a
   * `StorageError` (`storage.unavailable` or `storage.timeout`): a hung server cannot hold an
   * API request's `jobs.start()` or `close()` for ever. Default 30 000.
   */
  queryTimeoutMs?: number | undefined;
}

/**
 * A client of the workers' job queue for a process that runs no agents (an API server):
 * it starts threads, answers waits and sends events as jobs; `close()` ends its pool.
 *
 * @example
 * ```ts
 * const queue = await createThreadJobs({ connectionString: process.env.DATABASE_URL! });
 * await queue.jobs.reply('support', { threadId: 'T-1', waitId, value: { approved: true } });
 * ```
 */
export async function createThreadJobs(
  options: ThreadJobsOptions,
): Promise<{ jobs: ThreadJobs; close(): Promise<void> }> {
  // A misspelt `jobschema` would put jobs where no worker looks.
  checkQueueOptions('createThreadJobs', options as unknown as Record<string, unknown>);
  // Its pool's clients close their sockets when a login fails (see ownedClients).
  const clients = ownedClients();
  const bossOptions: ConstructorOptions & { Client: typeof pg.Client } = {
    connectionString: options.connectionString,
    Client: clients.Client,
    schema: options.jobSchema ?? 'agentchart_jobs',
    ...queuePoolTimeouts(options.queryTimeoutMs ?? 30_000),
    // A client only sends: maintenance and scheduling are the workers' to do.
    supervise: false,
    schedule: false,
  };
  const boss = new PgBoss(bossOptions);
  boss.on('error', options.onError ?? queueWarnings(describeServer(options.connectionString)));
  try {
    await boss.start();
  } catch (error) {
    clients.destroyAll();
    throw storageFailure(error, describeServer(options.connectionString), 'starting the job queue');
  }
  const jobs = new ThreadJobs(
    boss,
    threadQueues(boss, threadQueueOptions(options)),
    describeServer(options.connectionString),
  );
  return {
    jobs,
    async close() {
      await boss.stop({ graceful: false, close: true });
      clients.destroyAll();
    },
  };
}
