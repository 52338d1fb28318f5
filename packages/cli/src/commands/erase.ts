import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { AgentchartError, type Checkpointer, type EraseResult } from '@agentchart/core';
import { SqliteResponseCacheStore } from '@agentchart/core/cache';
import { CliError } from '../cli-error';
import { terminalSafe } from '../terminal-text';
import { loadPostgres } from './load-postgres';
import { openStore } from './open-store';
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
import type { Command } from './types';
import { isWholeNumberText } from './whole-number-text';

const help = `Usage: agentchart erase --thread <id> [--thread <id> …] [options]
       agentchart erase --tenant <id> [--cache <file>] [options]

Deletes threads entirely, for an erasure request: their checkpoints (input and context),
journal (prompts, model answers, tool arguments and outputs), run log rows, lease and
wake-up rows, and those of their child agents' threads. With --tenant, every thread whose
checkpoints name the tenant or whose run log charges it, and the tenant's response cache
entries (in the run database's file when it has them, or in --cache <file>).
Waiting threads are erased too: a reply or wake-up for one later finds no thread. A thread a
live run holds (running, or waiting in a process's memory) is refused, and nothing is
erased (exit 5): stop the run, or wait until it rests, and erase again.
Events, spans and recordings sent elsewhere are not touched, nor job rows on PostgreSQL
without --jobs: see docs/deployment.md.

Options:
  -t, --thread <id>        a thread to erase; repeat for more
      --tenant <id>        erase every thread of this tenant, and its cached answers
      --cache <file>       the SQLite response cache file (default: the run database's
                           file, when it holds the cache)
      --jobs               on PostgreSQL, also delete the threads' job rows from the job
                           queue (their start input, replies and events), before the
                           threads; refused (exit 5) while a worker does one of their jobs
      --job-schema <name>  the job queue's schema (default: $${jobSchemaVariable}, else agentchart_jobs)
      --batch-size <n>     threads per transaction (default 100)
      --dry-run            list and count what would go, delete nothing
  -d, --db <file|url>      the run database (default: $${databaseVariable}, else ${defaultDatabase})
      --schema <name>      the PostgreSQL schema of its tables (default: $${schemaVariable}, else public)
      --json               print what was erased as JSON
  -h, --help               show this help

Examples:
  agentchart erase --thread order-7 --dry-run
  agentchart erase --tenant acme --db postgres://app@db/agents --json
`;

/** `agentchart erase`: an erasure request, by thread or by tenant. */
export const eraseCommand: Command = {
  name: 'erase',
  summary: "delete threads or a tenant's data entirely (an erasure request)",
  help,
  async run(args, context) {
    const { values, positionals } = parseCommandArgs('erase', args, {
      thread: { type: 'string', short: 't', multiple: true },
      tenant: { type: 'string' },
      cache: { type: 'string' },
      jobs: { type: 'boolean' },
      'job-schema': { type: 'string' },
      'batch-size': { type: 'string' },
      'dry-run': { type: 'boolean' },
      db: { type: 'string', short: 'd' },
      schema: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    });
    if (values.help) {
      context.stdout.write(help);
      return 0;
    }
    if (positionals.length > 0) {
      throw new CliError(
        'cli.usage',
        `"erase" takes its threads as --thread <id>, got "${positionals[0]}". Run "agentchart erase --help" for its usage.`,
      );
    }
    const threads = values.thread ?? [];
    const { tenant } = values;
    if (threads.length > 0 === (tenant !== undefined)) {
      throw new CliError(
        'cli.usage',
        `erase needs --thread <id> (one or more) or --tenant <id>, ${threads.length > 0 ? 'not both' : 'and got neither'}: it never erases without being told what.`,
      );
    }
    if ([...threads, tenant].some((id) => id !== undefined && id.trim() === '')) {
      throw new CliError('cli.usage', 'erase: a thread or tenant id is empty.');
    }
    if (values.cache !== undefined && tenant === undefined) {
      throw new CliError(
        'cli.usage',
        '--cache goes with --tenant: a cached answer is kept per tenant, not per thread, so a thread has none of its own to erase.',
      );
    }
    const batchSize = batchSizeOf(values['batch-size']);
    const dryRun = values['dry-run'] === true;
    const database = resolveDatabase(values.db, context, values.schema);
    const where = describeDatabase(database);
    if ((values.jobs || values['job-schema'] !== undefined) && database.kind !== 'postgres') {
      throw new CliError(
        'cli.usage',
        '--jobs and --job-schema need a PostgreSQL run database: only there do threads have job rows.',
      );
    }
    const cachePath =
      values.cache !== undefined
        ? resolve(context.cwd, values.cache)
        : database.kind === 'sqlite'
          ? database.path
          : undefined;
    // Before anything is erased: a cache file named wrongly would fail the command half-way.
    if (values.cache !== undefined) cacheColumns(cachePath!, { named: true });
    // A dry run opens the database read-only, as `runs` does: it changes nothing, not even an
    // older file's schema.
    const opened = dryRun
      ? await openStore('erase', values.db, context, values.schema).then((reading) => ({
          checkpointer: reading.store as Checkpointer,
          close: reading.close,
        }))
      : await openRunDatabase(database, { command: 'erase', mustExist: true });
    let result: EraseResult;
    let jobRows: number | undefined;
    const notFound: string[] = [];
    // Job rows go before the threads, and the erase is refused while a worker does a job of
    // one of them: a start it took would store the thread again once it was erased (ADR 0085).
    let jobQueue: JobQueue | undefined;
    try {
      if (values.jobs && !dryRun && database.kind === 'postgres') {
        jobQueue = await openJobQueue(database, resolveJobSchema(values['job-schema'], context));
      }
      const { checkpointer } = opened;
      if (!checkpointer.erase || !checkpointer.listTenantThreads) {
        throw new CliError('cli.store_failed', `The run database ${where} cannot erase threads.`);
      }
      const given =
        tenant === undefined ? [...new Set(threads)] : await checkpointer.listTenantThreads(tenant);
      for (const threadId of tenant === undefined ? given : []) {
        if ((await checkpointer.list(threadId)).length === 0) notFound.push(threadId);
      }
      const erase = (dry: boolean) =>
        checkpointer.erase!(given, { batchSize, dryRun: dry }).catch((error: unknown) => {
          if (AgentchartError.isInstance(error) && error.code === 'checkpoint.lease_held') {
            throw new CliError('cli.thread_busy', error.message, error);
          }
          throw error;
        });
      if (jobQueue) {
        // The family (children included) and its leases, read before any job row goes.
        jobRows = await jobQueue.erase((await erase(true)).threadIds);
      }
      result = await erase(dryRun);
      if (jobQueue) {
        // Jobs sent while the threads were erased.
        jobRows! += await jobQueue.erase(result.threadIds).catch((error: unknown) => {
          throw new CliError(
            'cli.thread_busy',
            `The threads were erased from ${where}, but not all their job rows: ${(error as Error).message} Run the same erase again then.`,
            error,
          );
        });
      }
    } finally {
      await Promise.all([opened.close(), jobQueue?.close()]);
    }
    const cacheEntries =
      tenant === undefined || cachePath === undefined
        ? undefined
        : await eraseCachedAnswers(cachePath, tenant, {
            dryRun,
            named: values.cache !== undefined,
          });
    if (values.json) {
      context.stdout.write(
        `${JSON.stringify({
          ...result,
          ...(tenant === undefined ? { notFound } : { tenant }),
          ...(cacheEntries === undefined ? {} : { cacheEntries }),
          ...(jobRows === undefined ? {} : { jobRows }),
        })}\n`,
      );
      return 0;
    }
    context.stdout.write(describeErasure(result, { where, tenant, notFound, cacheEntries }));
    if (jobRows !== undefined)
      context.stdout.write(`Erased ${jobRows} job rows of those threads.\n`);
    return 0;
  },
};

/** What the command did (or would do), for a person. */
function describeErasure(
  result: EraseResult,
  {
    where,
    tenant,
    notFound,
    cacheEntries,
  }: { where: string; tenant?: string; notFound: string[]; cacheEntries: number | undefined },
): string {
  const verb = result.dryRun ? 'Would erase' : 'Erased';
  const lines: string[] = [];
  const erased = result.threadIds.filter((threadId) => !notFound.includes(threadId));
  if (erased.length === 0) {
    lines.push(
      tenant === undefined
        ? `Nothing is stored under ${plural(notFound.length, 'that thread', 'those threads')} in ${where}; nothing was erased.`
        : `Tenant "${tenant}" has no threads in ${where}.`,
    );
  } else {
    const batches = result.dryRun
      ? ''
      : `, in ${plural(result.batches, '1 transaction', `${result.batches} transactions`)}`;
    lines.push(
      `${verb} ${erased.length} ${plural(erased.length, 'thread', 'threads')}${tenant === undefined ? '' : ` of tenant "${tenant}"`} from ${where}: ${result.checkpoints} ${plural(result.checkpoints, 'checkpoint', 'checkpoints')}, ${result.effects} ${plural(result.effects, 'journal entry', 'journal entries')} with their run log rows${batches}.`,
    );
    for (const threadId of erased) lines.push(`  ${threadId}`);
    if (notFound.length > 0) {
      lines.push(`Nothing is stored under ${notFound.map((id) => `"${id}"`).join(', ')}.`);
    }
  }
  if (cacheEntries !== undefined) {
    lines.push(
      `${verb} ${cacheEntries} response cache ${plural(cacheEntries, 'entry', 'entries')} of tenant "${tenant}".`,
    );
  }
  return `${lines.map(terminalSafe).join('\n')}\n`;
}

/**
 * The columns of the response cache table in the SQLite file at `path`: none when the file or
 * the table is missing (a run database whose agents cache nowhere, or in memory). A cache file
 * the user `named` must exist and hold the table.
 */
function cacheColumns(path: string, { named }: { named: boolean }): string[] {
  if (!existsSync(path)) {
    if (!named) return [];
    throw new CliError('cli.file_not_found', `No response cache at ${path} (--cache).`);
  }
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    const columns = (
      db.prepare('PRAGMA table_info(response_cache)').all() as { name: string }[]
    ).map((column) => column.name);
    if (columns.length === 0 && named) {
      throw new CliError('cli.usage', `${path} holds no response cache (no response_cache table).`);
    }
    return columns;
  } finally {
    db.close();
  }
}

/**
 * Deletes (or counts) the tenant's entries in the SQLite response cache at `path`; undefined
 * when it holds no cache.
 */
async function eraseCachedAnswers(
  path: string,
  tenant: string,
  { dryRun, named }: { dryRun: boolean; named: boolean },
): Promise<number | undefined> {
  const columns = cacheColumns(path, { named });
  if (columns.length === 0) return undefined;
  if (dryRun) {
    // A file whose cache predates the tenant column names no tenant in it.
    if (!columns.includes('tenant_id')) return 0;
    const db = new DatabaseSync(path, { readOnly: true });
    try {
      const { n } = db
        .prepare('SELECT count(*) AS n FROM response_cache WHERE tenant_id = ?')
        .get(tenant) as { n: number };
      return Number(n);
    } finally {
      db.close();
    }
  }
  const cache = new SqliteResponseCacheStore({ path });
  try {
    return await cache.deletePartition(tenant);
  } finally {
    cache.close();
  }
}

/** What `erase --jobs` does with the job queue. */
interface JobQueue {
  erase(threadIds: readonly string[]): Promise<number>;
  close(): Promise<void>;
}

/**
 * The PostgreSQL job queue, to delete threads' job rows from: `erase` resolves to how many
 * went, and is refused (`cli.thread_busy`, nothing deleted) while a worker does one of their
 * jobs.
 */
async function openJobQueue(
  database: Extract<RunDatabase, { kind: 'postgres' }>,
  jobSchema: string | undefined,
): Promise<JobQueue> {
  const module = await loadPostgres(`${describeDatabase(database)}, a PostgreSQL database,`);
  const queue = await module.createThreadJobs({
    connectionString: database.connectionString,
    ...(jobSchema === undefined ? {} : { jobSchema }),
  });
  return {
    erase: (threadIds) =>
      queue.jobs.erase(threadIds).catch((error: unknown) => {
        if (AgentchartError.isInstance(error) && error.code === 'job.active') {
          throw new CliError('cli.thread_busy', error.message, error);
        }
        throw error;
      }),
    close: () => queue.close(),
  };
}

function batchSizeOf(given: string | undefined): number {
  if (given === undefined) return 100;
  const size = Number(given);
  if (!Number.isInteger(size) || size < 1 || !isWholeNumberText(given)) {
    throw new CliError('cli.usage', `--batch-size takes a positive whole number, got "${given}".`);
  }
  return size;
}

function plural(count: number, one: string, many: string): string {
  return count === 1 ? one : many;
}
