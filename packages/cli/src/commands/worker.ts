import type { Agent, Checkpointer } from '@agentchart/core';
import { CliError } from '../cli-error';
import { exitCodes } from '../exit-codes';
import { terminalWriter } from '../terminal-text';
import { LocalWorker } from '../worker/local-worker';
import { parseDuration } from './duration';
import { listenForInterruption } from './interruption';
import { agentModuleOf, agentVariable, loadAgentFactories } from './load-agents';
import { loadPostgres } from './load-postgres';
import { parseCommandArgs } from './parse-command-args';
import {
  databaseVariable,
  defaultDatabase,
  describeDatabase,
  jobSchemaVariable,
  openRunDatabase,
  type RunDatabase,
  resolveDatabase,
  resolveJobSchema,
  schemaVariable,
} from './run-database';
import type { Command, CommandContext } from './types';
import { positiveInteger } from './whole-number-text';

const help = `Usage: agentchart worker [--agent <module>] [--db <file|url>] [--concurrency <n>]

Runs an agent module's threads in the background until stopped (SIGINT or SIGTERM: the
threads in hand start no new step, their calls in flight finish for up to 10 s, then it hands
them back to the store and exits 0;
a thread whose unsafe tool is still acting is handed back once the tool returns, at most one
lease time later, 30 s by default).

On an SQLite file (one worker process): wakes threads whose after-timers or human-wait
deadlines fell due while no process held them, and resumes threads a dead process left
running (lease expired: on the wall clock and, as this worker saw it, on its own monotonic
clock, so a clock stepped forward takes no live run's thread; a lease first seen expired
must stand still 15 s first, which --once waits for); a thread it fails to wake (its chart changed without a migrate) is
tried again 5 s later, then twice as long each time up to 5 min, and holds back no other.
On PostgreSQL (any number of worker processes and machines): also
takes the job queue — runs started, replies and events sent as jobs — sharing the work with
the other workers; a worker that dies loses its jobs to the others.

Options:
  -a, --agent <module>        the module exporting the agent factories (default: $${agentVariable})
  -d, --db <file|url>         the run database (default: $${databaseVariable}, else ${defaultDatabase})
      --schema <name>         the PostgreSQL schema of its tables (default: $${schemaVariable}, else public)
      --job-schema <name>     the PostgreSQL schema of the job queue (default: $${jobSchemaVariable},
                              else agentchart_jobs); every worker and job client must agree on it
  -c, --concurrency <n>       threads of each agent this worker drives at once (default 10)
      --tenant-concurrency <n> PostgreSQL: threads of one tenant at once across all workers
      --query-timeout <duration> PostgreSQL: how long a statement may wait for a connection and
                              its answer before it fails (100ms or more; default 30s); it also
                              bounds how long a stop takes on a database that stopped answering
      --interval <duration>   how often it looks for due threads (10ms or more; default 1s)
      --retain <duration>     prune threads that ended longer ago than this (1m or more), hourly
      --once                  SQLite: wake everything due now (--concurrency at a time),
                              drive each to rest, exit
  -h, --help                  show this help
`;

/** `agentchart worker`: the scheduler (and, on PostgreSQL, a queue worker) for a module's agents. */
export const workerCommand: Command = {
  name: 'worker',
  summary: 'wake due timers and orphaned threads; on PostgreSQL, run threads from the job queue',
  help,
  async run(args, context) {
    const { values, positionals } = parseCommandArgs('worker', args, {
      agent: { type: 'string', short: 'a' },
      db: { type: 'string', short: 'd' },
      schema: { type: 'string' },
      'job-schema': { type: 'string' },
      concurrency: { type: 'string', short: 'c' },
      'tenant-concurrency': { type: 'string' },
      'query-timeout': { type: 'string' },
      interval: { type: 'string' },
      retain: { type: 'string' },
      once: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    });
    if (values.help) {
      context.stdout.write(help);
      return 0;
    }
    if (positionals.length > 0) {
      throw new CliError(
        'cli.usage',
        `"worker" takes no arguments, got "${positionals[0]}"; give the module with --agent.`,
      );
    }
    const concurrency = positiveInteger(values.concurrency, '--concurrency', 10);
    // A timer cannot wait longer than 2^31 - 1 ms, and looking every 0 ms is a busy loop.
    const intervalMs =
      values.interval === undefined
        ? 1_000
        : parseDuration(values.interval, '--interval', { minMs: 10, maxMs: 2_147_483_647 });
    // A thread that has just ended may still be read by whoever ran it: `--retain 0s` deleted
    // each one as it ended.
    const retainMs =
      values.retain === undefined
        ? undefined
        : parseDuration(values.retain, '--retain', { minMs: 60_000 });
    const queryTimeoutMs =
      values['query-timeout'] === undefined
        ? undefined
        : parseDuration(values['query-timeout'], '--query-timeout', {
            minMs: 100,
            maxMs: 2_147_483_647,
          });
    const module = agentModuleOf(values.agent, 'worker', context);
    const factories = await loadAgentFactories(module.file, context);
    const database = resolveDatabase(values.db, context, values.schema);
    if (database.kind === 'postgres') {
      if (values.once)
        throw new CliError(
          'cli.usage',
          '--once is for an SQLite file; a PostgreSQL worker runs until stopped.',
        );
      return runPostgresWorker(
        database,
        factories.map((item) => item.factory),
        context,
        {
          concurrency,
          intervalMs,
          retainMs,
          tenantConcurrency:
            values['tenant-concurrency'] === undefined
              ? undefined
              : positiveInteger(values['tenant-concurrency'], '--tenant-concurrency', 1),
          jobSchema: resolveJobSchema(values['job-schema'], context),
          queryTimeoutMs,
        },
      );
    }
    if (values['job-schema'] !== undefined) {
      throw new CliError(
        'cli.usage',
        '--job-schema needs a PostgreSQL run database (postgres://…): a worker on an SQLite file has no job queue.',
      );
    }
    if (queryTimeoutMs !== undefined) {
      throw new CliError(
        'cli.usage',
        '--query-timeout needs a PostgreSQL run database (postgres://…): an SQLite file is read and written in this process, with no server to wait for.',
      );
    }
    if (values['tenant-concurrency'] !== undefined) {
      // Counted in the job queue, which only a PostgreSQL worker has: ignored here before.
      throw new CliError(
        'cli.usage',
        '--tenant-concurrency needs a PostgreSQL run database (postgres://…): a worker on an SQLite file runs one process, with no queue to count tenants in. Use --concurrency.',
      );
    }
    const store = await openRunDatabase(database, { command: 'worker', mustExist: true });
    const agents = new Map<string, Agent>();
    for (const { factory } of factories) {
      // The worker's scan wakes due threads from the file: no timer per waiting thread here.
      const agent = factory.create({
        checkpointer: store.checkpointer,
        evictWaiting: true,
        wakeWaiting: false,
      });
      agents.set(agent.name, agent);
    }
    const worker = new LocalWorker({
      checkpointer: store.checkpointer,
      agents,
      concurrency,
      onOutcome: (threadId, reason, outcome) =>
        terminalWriter(context.stdout).write(
          // Why it failed, too: a failure the harness did not store (a child agent's chart
          // changed without its migrate) is said nowhere else, and the thread still rests.
          `${threadId}  woken (${reason}) → ${outcome.status}${outcome.status === 'failed' ? `: ${outcome.error.code}: ${outcome.error.message}` : ''}\n`,
        ),
      onError: (threadId, error) =>
        terminalWriter(context.stderr).write(
          `agentchart worker: ${threadId ? `thread ${threadId}: ` : ''}${(error as Error)?.message ?? String(error)}\n`,
        ),
    });
    try {
      if (values.once) {
        // Everything due, `--concurrency` at a time, each driven to rest (given a minute
        // to come to rest), then closed: close() alone hands back at once what still works.
        await worker.drain({ timeoutMs: 60_000 });
        await worker.close();
        return exitCodes.ok;
      }
      const interruption = listenForInterruption('worker', context);
      terminalWriter(context.stderr).write(
        `agentchart worker: ${[...agents.keys()].join(', ')} on ${describeDatabase(database)}, looking every ${intervalMs} ms (Ctrl-C to stop)\n`,
      );
      const stopRetention =
        retainMs === undefined ? () => {} : startRetention(store.checkpointer, retainMs, context);
      worker.start(intervalMs);
      await interruption.asked;
      stopRetention();
      terminalWriter(context.stderr).write(
        'agentchart worker: stopping — finishing the calls in flight, then handing the threads back…\n',
      );
      await worker.close({ timeoutMs: 10_000 });
      return exitCodes.ok;
    } finally {
      await store.close();
    }
  },
};

async function runPostgresWorker(
  database: Extract<RunDatabase, { kind: 'postgres' }>,
  factories: Parameters<typeof import('@agentchart/postgres').createPostgresWorker>[0]['agents'],
  context: CommandContext,
  options: {
    concurrency: number;
    intervalMs: number;
    retainMs: number | undefined;
    tenantConcurrency: number | undefined;
    jobSchema: string | undefined;
    queryTimeoutMs: number | undefined;
  },
): Promise<number> {
  const postgres = await loadPostgres('A worker on PostgreSQL');
  // Heard from here: a stop asked while the worker starts is kept until it has started, and
  // then it stops as it would later, handing back what it took.
  const interruption = listenForInterruption('worker', context);
  let worker: Awaited<ReturnType<typeof postgres.createPostgresWorker>>;
  try {
    worker = await postgres.createPostgresWorker({
      connectionString: database.connectionString,
      ...(database.schema === undefined ? {} : { schema: database.schema }),
      ...(options.jobSchema === undefined ? {} : { jobSchema: options.jobSchema }),
      agents: factories,
      concurrency: options.concurrency,
      schedulerIntervalMs: options.intervalMs,
      ...(options.tenantConcurrency === undefined
        ? {}
        : { tenantConcurrency: options.tenantConcurrency }),
      ...(options.retainMs === undefined ? {} : { retention: { olderThanMs: options.retainMs } }),
      ...(options.queryTimeoutMs === undefined ? {} : { queryTimeoutMs: options.queryTimeoutMs }),
      // Typed and held back as the library's default is (an outage fails every poll of every
      // queue, twice a second), but on the command's own stderr.
      onError: postgres.queueWarnings(database.connectionString, {
        warn: (warning) =>
          terminalWriter(context.stderr).write(
            `agentchart worker: ${typeof warning === 'string' ? warning : warning.message}\n`,
          ),
      }),
    });
  } catch (error) {
    interruption.stop();
    throw error;
  }
  terminalWriter(context.stderr).write(
    `agentchart worker: ${[...worker.agents.keys()].join(', ')} on ${describeDatabase(database)} (job queue and scheduler; Ctrl-C to stop)\n`,
  );
  await interruption.asked;
  terminalWriter(context.stderr).write(
    'agentchart worker: stopping — finishing or handing back the threads in hand…\n',
  );
  await worker.close({ timeoutMs: 10_000 });
  return exitCodes.ok;
}

function startRetention(checkpointer: Checkpointer, retainMs: number, context: CommandContext) {
  const prune = () =>
    void checkpointer
      .prune?.({ before: Date.now() - retainMs, statuses: ['done', 'failed', 'limit', 'stopped'] })
      .catch((error: unknown) =>
        terminalWriter(context.stderr).write(
          `agentchart worker: pruning failed: ${(error as Error).message}\n`,
        ),
      );
  prune();
  const timer = setInterval(prune, 3_600_000);
  timer.unref();
  return () => clearInterval(timer);
}
