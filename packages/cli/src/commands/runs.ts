import type { RunStatus } from '@agentchart/core/internal';
import { CliError } from '../cli-error';
import { terminalSafe } from '../terminal-text';
import { agentVariable } from './load-agents';
import { defaultDatabase, formatColumns, formatTime, openStore } from './open-store';
import { parseCommandArgs } from './parse-command-args';
import { shellWord } from './run-database';
import type { Command } from './types';

const statuses: readonly RunStatus[] = ['running', 'waiting', 'done', 'failed', 'limit', 'stopped'];

const help = `Usage: agentchart runs [--db <file>] [--status <status>]

Lists the threads in a run database: id, status, checkpoint version and last update. A
thread stored running whose owner is gone (its lease expired: the process died) shows as
"running (owner gone)", with the command that resumes it.

Options:
  -d, --db <file>        the SQLite file agents checkpoint to (default: $AGENTCHART_DB, else ${defaultDatabase})
  -s, --status <status>  only threads in this status: ${statuses.join(', ')}
      --json             print the threads as a JSON array (ownerGone: true on orphans)
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
    const { path, store, close } = await openStore('runs', values.db, context);
    try {
      const threads = await store.listThreads(status === undefined ? {} : { status });
      // A thread stored `running` that no live lease holds was left by a process that is
      // gone: nothing moves it on until someone resumes it.
      const now = Date.now();
      const gone = new Set<string>();
      for (const thread of threads) {
        if (thread.status !== 'running') continue;
        const lease = await store.getLease(thread.threadId);
        if (!lease || lease.expiresAt <= now) gone.add(thread.threadId);
      }
      if (values.json) {
        context.stdout.write(
          `${JSON.stringify(threads.map((thread) => ({ ...thread, ...(gone.has(thread.threadId) ? { ownerGone: true } : {}) })))}\n`,
        );
        return 0;
      }
      if (threads.length === 0) {
        context.stdout.write(
          `No threads${status ? ` in status ${status}` : ''} in ${terminalSafe(path)}.\n`,
        );
        return 0;
      }
      const rows = threads.map((thread) => [
        thread.threadId,
        gone.has(thread.threadId) ? 'running (owner gone)' : thread.status,
        String(thread.version),
        formatTime(thread.updatedAt),
      ]);
      context.stdout.write(
        `${formatColumns([['thread', 'status', 'version', 'updated'], ...rows])}\n`,
      );
      if (gone.size > 0) {
        const agent = context.env?.[agentVariable] ? '' : ' --agent <module>';
        const database = values.db === undefined ? '' : ` --db ${shellWord(values.db)}`;
        const [first] = gone;
        context.stdout.write(
          `\n${gone.size} ${gone.size === 1 ? 'thread was' : 'threads were'} left running by a process that is gone (its lease expired). Resume ${gone.size === 1 ? 'it' : 'one'} with:\n` +
            `  agentchart resume ${terminalSafe(shellWord(first!))}${agent}${terminalSafe(database)}\n` +
            `or every such thread with: agentchart resume --all${agent}${terminalSafe(database)} (agentchart worker does it on its own)\n`,
        );
      }
      return 0;
    } finally {
      await close();
    }
  },
};
