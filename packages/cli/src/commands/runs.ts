import type { RunFilter, RunStatus, RunSummary } from '@agentchart/core';
import { CliError } from '../cli-error';
import { openWaits } from '../show/open-waits';
import { jsonForTerminal, terminalSafe } from '../terminal-text';
import { formatCost, formatCount } from './format-figures';
import { agentVariable } from './load-agents';
import { defaultDatabase, formatColumns, formatTime, openStore } from './open-store';
import { parseCommandArgs } from './parse-command-args';
import { schemaVariable, shellWord } from './run-database';
import { parseTimeArgument } from './time-argument';
import type { Command } from './types';
import { isWholeNumberText } from './whole-number-text';

const statuses: readonly RunStatus[] = ['running', 'waiting', 'done', 'failed', 'limit', 'stopped'];
const defaultLimit = 100;

const help = `Usage: agentchart runs [--db <file>] [filters] [--limit <n>] [--json]

Lists the threads in a run database, the most recently updated first, with what their run
log holds: status, agent, tenant, effects (its journaled steps: model calls, tool calls,
waits, child agents; not the chart's macrosteps a run's usage.steps counts), model calls,
tokens, cost, failed steps and open waits. A thread stored running whose owner is gone (its lease expired: the process died)
shows as "running (owner gone)", with the command that resumes it. Reads the database only.

Options:
  -d, --db <file|url>     the run database (default: $AGENTCHART_DB, else ${defaultDatabase})
      --schema <name>     the PostgreSQL schema of its tables (default: $${schemaVariable}, else public)
  -s, --status <status>   only threads in this status: ${statuses.join(', ')}
  -a, --agent <name>      only threads of this agent (a child agent's name is its machine id)
  -t, --thread <prefix>   only threads whose id starts with this (a batch: acme-1 also
                          lists acme-10)
      --family <thread>   only this thread and its child agents' threads
      --tenant <id>       only threads with a step charged to this tenant (a thread with no
                          step in the run log yet is not listed)
      --since <time>      only threads updated at or after this time
      --until <time>      only threads updated before this time
  -n, --limit <n>         at most this many threads (default ${defaultLimit})
      --json              print the threads as a JSON array (ownerGone: true on orphans)
  -h, --help              show this help

A time is an ISO date or time (2026-03-01, 2026-03-01T09:30Z) or a span back from now
(90s, 15m, 2h, 7d).

Examples:
  agentchart runs --db examples/tender-pipeline/.agentchart/runs.db
  agentchart runs --status waiting --since 1d
  agentchart runs --agent support --tenant acme --json
`;

/** What an empty filter flag should have been given. */
const emptyFlagHint = {
  thread: 'a thread id or its beginning',
  family: 'a thread id',
  tenant: 'a tenant name',
  agent: 'an agent name',
} as const;

/** `agentchart runs`: the threads of a run database with their run log's totals. */
export const runsCommand: Command = {
  name: 'runs',
  summary: 'list threads with status, agent, tenant, tokens, cost and errors; filter, or --json',
  help,
  async run(args, context) {
    const { values, positionals } = parseCommandArgs('runs', args, {
      db: { type: 'string', short: 'd' },
      schema: { type: 'string' },
      status: { type: 'string', short: 's' },
      agent: { type: 'string', short: 'a' },
      thread: { type: 'string', short: 't' },
      family: { type: 'string' },
      tenant: { type: 'string' },
      since: { type: 'string' },
      until: { type: 'string' },
      limit: { type: 'string', short: 'n' },
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
    const limit = values.limit === undefined ? defaultLimit : Number(values.limit);
    if (
      !Number.isInteger(limit) ||
      limit < 1 ||
      (values.limit !== undefined && !isWholeNumberText(values.limit))
    ) {
      throw new CliError(
        'cli.usage',
        `--limit "${values.limit}" is not a number of threads. Give a whole number, 1 or more.`,
      );
    }
    for (const flag of ['thread', 'family', 'tenant', 'agent'] as const) {
      // Empty, the filter was dropped and every thread listed.
      if (values[flag] !== undefined && values[flag].trim() === '') {
        throw new CliError(
          'cli.usage',
          `--${flag} is empty; give ${emptyFlagHint[flag]}, or leave the flag out.`,
        );
      }
    }
    const now = Date.now();
    const since =
      values.since === undefined ? undefined : parseTimeArgument('since', values.since, now);
    const until =
      values.until === undefined ? undefined : parseTimeArgument('until', values.until, now);
    if (since !== undefined && until !== undefined && since > until) {
      // A span back from now: `--since 1d --until 2d` asks for an empty window.
      throw new CliError(
        'cli.usage',
        `--since ${values.since} is after --until ${values.until}: no thread can match. Give the earlier time to --since.`,
      );
    }
    const filter: RunFilter = {
      ...(status === undefined ? {} : { status }),
      ...(values.agent === undefined ? {} : { agent: values.agent }),
      ...(values.thread === undefined ? {} : { threadPrefix: values.thread }),
      ...(values.family === undefined ? {} : { threadFamily: values.family }),
      ...(values.tenant === undefined ? {} : { tenantId: values.tenant }),
      ...(since === undefined ? {} : { since }),
      ...(until === undefined ? {} : { until }),
      // One more than shown tells whether there are more.
      limit: limit + 1,
    };
    const { path, store, close } = await openStore('runs', values.db, context, values.schema);
    try {
      const found = await store.listRuns(filter);
      const runs = found.slice(0, limit);
      // The run log counts human steps left `started`, a wait whose state was left among
      // them; the thread's checkpoint tells which are still open.
      for (const run of runs) {
        if (run.waits === 0) continue;
        const open = await openWaits(store, run.threadId);
        run.waits = open.filter((wait) => wait.threadId === run.threadId).length;
      }
      // A thread stored `running` that no live lease holds was left by a process that is
      // gone: nothing moves it on until someone resumes it.
      const gone = new Set<string>();
      for (const run of runs) {
        if (run.status !== 'running') continue;
        const lease = await store.getLease(run.threadId);
        if (!lease || lease.expiresAt <= now) gone.add(run.threadId);
      }
      if (values.json) {
        context.stdout.write(
          `${jsonForTerminal(runs.map((run) => (gone.has(run.threadId) ? { ...run, ownerGone: true } : run)))}\n`,
        );
        return 0;
      }
      if (runs.length === 0) {
        const narrowed = Object.keys(filter).length > 1 ? ' matching the filters' : '';
        context.stdout.write(`No threads${narrowed} in ${terminalSafe(path)}.\n`);
        return 0;
      }
      context.stdout.write(
        `${formatColumns([header, ...runs.map((run) => row(run, gone.has(run.threadId)))])}\n`,
      );
      if (found.length > limit) {
        context.stdout.write(
          `(the ${limit} most recently updated; more match: raise --limit or narrow the filters)\n`,
        );
      }
      // What to resume: a child agent's thread goes on with its parent's resume, and a
      // resume of its own is refused (run.child_thread).
      const toResume: string[] = [];
      for (const threadId of gone) {
        const latest = await store.latest(threadId);
        if (latest?.run.parentThreadId === undefined) toResume.push(threadId);
      }
      if (toResume.length > 0) {
        const agent = context.env?.[agentVariable] ? '' : ' --agent <module>';
        const database = values.db === undefined ? '' : ` --db ${shellWord(values.db)}`;
        const [first] = toResume;
        const count = toResume.length;
        context.stdout.write(
          `\n${count} ${count === 1 ? 'thread was' : 'threads were'} left running by a process that is gone (its lease expired). Resume ${count === 1 ? 'it' : 'one'} with:\n` +
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

const header = [
  'thread',
  'status',
  'agent',
  'tenant',
  'effects',
  'calls',
  'tokens',
  'cost',
  'errors',
  'updated',
];

function row(run: RunSummary, ownerGone: boolean): string[] {
  const status = ownerGone
    ? 'running (owner gone)'
    : run.waits > 0
      ? `${run.status} (${run.waits} open wait${run.waits === 1 ? '' : 's'})`
      : run.status;
  return [
    run.threadId,
    status,
    run.agent ?? '',
    run.tenantId ?? '',
    String(run.steps),
    String(run.modelCalls),
    formatCount(run.inputTokens + run.outputTokens),
    formatCost(run.costUsd),
    run.errors === 0 ? '' : String(run.errors),
    formatTime(run.updatedAt),
  ];
}
