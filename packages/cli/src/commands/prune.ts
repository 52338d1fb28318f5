import type { RunStatus } from '@agentchart/core';
import { isKeptForItsParent } from '@agentchart/core/internal';
import { CliError } from '../cli-error';
import { parseDuration } from './duration';
import { listThreads } from './list-threads';
import { openStore } from './open-store';
import { parseCommandArgs } from './parse-command-args';
import {
  databaseVariable,
  defaultDatabase,
  describeDatabase,
  openRunDatabase,
  resolveDatabase,
  schemaVariable,
} from './run-database';
import type { Command } from './types';
import { isWholeNumberText } from './whole-number-text';

type EndedStatus = Exclude<RunStatus, 'running' | 'waiting'>;
const endedStatuses: readonly EndedStatus[] = ['done', 'failed', 'limit', 'stopped'];

const help = `Usage: agentchart prune --older-than <duration> [--status done,failed] [--db <file|url>]

Deletes threads that ended (done, failed, limit, stopped) and were last written longer ago
than the duration: their checkpoints, journal, lease and wake-up rows. Running and waiting
threads are never pruned, nor a child agent's thread while its parent runs or waits (the
parent may not have read the child's outcome yet; the child goes once the parent has ended).
It works in batches, each its own short transaction, so agents running on the same database
are not held up.

Options:
      --older-than <duration>  e.g. 30d, 12h, 90m (required)
  -s, --status <list>          which ended statuses go, comma-separated (default: all four)
      --batch-size <n>         threads per transaction (default 500)
      --dry-run                count what would go, delete nothing
  -d, --db <file|url>          the run database (default: $${databaseVariable}, else ${defaultDatabase})
      --schema <name>          the PostgreSQL schema of its tables (default: $${schemaVariable}, else public)
      --json                   print what was deleted as JSON
  -h, --help                   show this help

Examples:
  agentchart prune --older-than 30d
  agentchart prune --older-than 7d --status done --db postgres://app@db/agents
`;

/** `agentchart prune`: retention for a run database. */
export const pruneCommand: Command = {
  name: 'prune',
  summary: 'delete ended threads older than a duration, in bounded batches',
  help,
  async run(args, context) {
    const { values, positionals } = parseCommandArgs('prune', args, {
      'older-than': { type: 'string' },
      status: { type: 'string', short: 's' },
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
      throw new CliError('cli.usage', `"prune" takes no arguments, got "${positionals[0]}".`);
    }
    if (values['older-than'] === undefined) {
      throw new CliError(
        'cli.usage',
        'prune needs --older-than <duration> (e.g. 30d): it never deletes without an age.',
      );
    }
    const olderThanMs = parseDuration(values['older-than'], '--older-than');
    const statuses = statusesOf(values.status);
    const batchSize = values['batch-size'] === undefined ? 500 : Number(values['batch-size']);
    if (
      !Number.isInteger(batchSize) ||
      batchSize < 1 ||
      (values['batch-size'] !== undefined && !isWholeNumberText(values['batch-size']))
    ) {
      throw new CliError(
        'cli.usage',
        `--batch-size takes a positive whole number, got "${values['batch-size']}".`,
      );
    }
    const before = Date.now() - olderThanMs;
    const database = resolveDatabase(values.db, context, values.schema);
    if (values['dry-run']) {
      // Read-only, as `runs` opens it: a dry run changes nothing, not even an older file's
      // schema, and works on a read-only file or mount (a backup's copy, say).
      const reading = await openStore('prune', values.db, context, values.schema);
      try {
        const all = await listThreads(reading.store);
        const statusOf = new Map(all.map((thread) => [thread.threadId, thread.status]));
        // The rule prune itself follows: a child agent's thread stays while its parent is live.
        const threads = all.filter(
          (thread) =>
            (statuses as readonly string[]).includes(thread.status) &&
            thread.updatedAt < before &&
            !isKeptForItsParent(thread.threadId, (id) => statusOf.get(id)),
        ).length;
        context.stdout.write(
          values.json
            ? `${JSON.stringify({ dryRun: true, threads, before })}\n`
            : `Would delete ${threads} threads (${statuses.join(', ')}) last written before ${new Date(before).toISOString()} from ${describeDatabase(database)}.\n`,
        );
        return 0;
      } finally {
        await reading.close();
      }
    }
    const store = await openRunDatabase(database, { command: 'prune', mustExist: true });
    try {
      const { checkpointer } = store;
      if (!checkpointer.prune) {
        throw new CliError('cli.store_failed', 'This run database cannot prune threads.');
      }
      const result = await checkpointer.prune({ before, statuses, batchSize });
      context.stdout.write(
        values.json
          ? `${JSON.stringify({ ...result, before })}\n`
          : `Deleted ${result.threads} threads (${statuses.join(', ')}) last written before ${new Date(before).toISOString()}: ${result.checkpoints} checkpoints, ${result.effects} journal entries, in ${result.batches} batches.\n`,
      );
      return 0;
    } finally {
      await store.close();
    }
  },
};

function statusesOf(list: string | undefined): EndedStatus[] {
  if (list === undefined) return [...endedStatuses];
  const statuses = list
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  const wrong = statuses.filter((status) => !(endedStatuses as readonly string[]).includes(status));
  if (statuses.length === 0 || wrong.length > 0) {
    throw new CliError(
      'cli.usage',
      `--status takes ended statuses (${endedStatuses.join(', ')}), comma-separated; ${wrong.length ? `"${wrong.join(', ')}" ${wrong.some((status) => status === 'running' || status === 'waiting') ? 'is live and is never pruned' : 'is not one'}` : 'none given'}.`,
    );
  }
  return statuses as EndedStatus[];
}
