import type { RunStatus } from '@agentchart/core/internal';
import { CliError } from '../cli-error';
import { terminalSafe } from '../terminal-text';
import { defaultDatabase, formatColumns, formatTime, openStore } from './open-store';
import { parseCommandArgs } from './parse-command-args';
import type { Command } from './types';

const statuses: readonly RunStatus[] = ['running', 'waiting', 'done', 'failed', 'limit', 'stopped'];

const help = `Usage: agentchart runs [--db <file>] [--status <status>]

Lists the threads in a run database: id, status, checkpoint version and last update.

Options:
  -d, --db <file>        the SQLite file agents checkpoint to (default ${defaultDatabase})
  -s, --status <status>  only threads in this status: ${statuses.join(', ')}
  -h, --help             show this help

Examples:
  agentchart runs --db examples/tender-pipeline/.agentchart/runs.db
  agentchart runs --status waiting
`;

/** `agentchart runs`: the threads of a run database. */
export const runsCommand: Command = {
  name: 'runs',
  summary: 'list the threads in a run database, with status and last checkpoint',
  help,
  async run(args, context) {
    const { values, positionals } = parseCommandArgs('runs', args, {
      db: { type: 'string', short: 'd' },
      status: { type: 'string', short: 's' },
      help: { type: 'boolean', short: 'h' },
    });
    if (values.help) {
      context.stdout.write(help);
      return 0;
    }
    if (positionals.length > 0) {
      throw new CliError(
        'cli.usage',
        `"runs" takes no arguments, got "${positionals[0]}". Run "agentchart runs --help".`,
      );
    }
    const status = values.status as RunStatus | undefined;
    if (status !== undefined && !statuses.includes(status)) {
      throw new CliError(
        'cli.usage',
        `Unknown status "${status}". Use one of: ${statuses.join(', ')}.`,
      );
    }
    const { path, store } = openStore('runs', values.db, context);
    try {
      const threads = await store.listThreads(status === undefined ? {} : { status });
      if (threads.length === 0) {
        context.stdout.write(
          `No threads${status ? ` in status ${status}` : ''} in ${terminalSafe(path)}.\n`,
        );
        return 0;
      }
      const rows = threads.map((thread) => [
        thread.threadId,
        thread.status,
        String(thread.version),
        formatTime(thread.updatedAt),
      ]);
      context.stdout.write(
        `${formatColumns([['thread', 'status', 'version', 'updated'], ...rows])}\n`,
      );
      return 0;
    } finally {
      store.close();
    }
  },
};
