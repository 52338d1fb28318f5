import { AgentchartError, type RunOutcome } from '@agentchart/core';
import { CliError } from '../cli-error';
import { exitCodes } from '../exit-codes';
import { jsonForTerminal, terminalWriter } from '../terminal-text';
import { formatUsage } from './format-figures';
import { heldThreadError } from './held-thread';
import { agentArgument, agentFor, agentModuleOf, agentVariable, loadAgents } from './load-agents';
import { agentAndStoreOptions, parseCommandArgs } from './parse-command-args';
import { exitCodeOf, outcomeJson } from './report-outcome';
import {
  databaseArgument,
  databaseVariable,
  defaultDatabase,
  describeDatabase,
  openRunDatabase,
  resolveDatabase,
  schemaVariable,
  shellWord,
} from './run-database';
import type { Command } from './types';

const help = `Usage: agentchart stop <thread> [--agent <module>] [--db <file|url>]

Stops a thread that waits (for a reply or a timer) or that a dead process left running: the
thread is restored here (taking its lease, as send does), its waits are closed, what it has in
flight is aborted, and the store says "stopped" — it takes no more replies, events or
resumes. A stopped thread is kept until pruned.

Refused (nothing done) for a thread that already ended, a child agent's thread (stop the
thread at the top of its family, which stops its children), and a thread another live
process holds (exit 5): stop it there — Ctrl-C hands a command's thread back — or wait until
its lease lapses, then run this again.

Options:
  -a, --agent <module>     the module exporting the agent factory (default: $${agentVariable})
  -e, --export <name>      the factory to use when the module exports several
  -d, --db <file|url>      the run database (default: $${databaseVariable}, else ${defaultDatabase})
      --schema <name>      the PostgreSQL schema of its tables (default: $${schemaVariable}, else public)
      --json               print the outcome as JSON
  -h, --help               show this help

Exit codes:
  0  stopped (or stored stopped already)
  1  the store could not be read or written
  2  usage: unknown option, no such thread, a thread that ended otherwise, a child's thread
  5  busy: another live process holds the thread; nothing was done
  A thread that came to rest as it was restored, before the stop reached it, exits as
  "agentchart run" would (1 failed, 3 waiting, 4 limit).

Example:
  agentchart stop T-101 --agent src/agent.ts
`;

/** `agentchart stop <thread>`: ends a waiting (or orphaned running) thread as `stopped`. */
export const stopCommand: Command = {
  name: 'stop',
  summary: 'stop a waiting thread (or one a dead process left running): stored stopped',
  help,
  async run(args, context) {
    const { values, positionals } = parseCommandArgs(
      'stop',
      args,
      agentAndStoreOptions,
      'a thread id',
    );
    if (values.help) {
      context.stdout.write(help);
      return 0;
    }
    const [threadId, extra] = positionals;
    if (threadId === undefined || extra !== undefined) {
      throw new CliError(
        'cli.usage',
        'Give exactly one thread id. "agentchart runs" lists the threads; "agentchart stop --help" for usage.',
      );
    }
    const module = agentModuleOf(values.agent, 'stop', context);
    const database = resolveDatabase(values.db, context, values.schema);
    const hints = { database: databaseArgument(database), agent: agentArgument(module) };
    const thread = shellWord(threadId);
    const store = await openRunDatabase(database, { command: 'stop', mustExist: true });
    try {
      const checkpoint = await store.checkpointer.latest(threadId);
      if (!checkpoint) {
        throw new CliError(
          'cli.thread_not_found',
          `No thread "${threadId}" in ${describeDatabase(database)}. agentchart runs${hints.database} lists the threads it has.`,
        );
      }
      const { status, parentThreadId } = checkpoint.run;
      if (status === 'stopped') {
        // What was asked for holds: a stop run twice (a retried script) is no error.
        context.stderr.write(`Thread ${threadId} is stopped already; nothing was done.\n`);
        if (values.json) context.stdout.write(`${jsonForTerminal({ threadId, status })}\n`);
        return exitCodes.ok;
      }
      if (status !== 'running' && status !== 'waiting') {
        throw new CliError(
          'cli.usage',
          `Thread "${threadId}" already ended (${status}); there is nothing to stop, and it stays ${status}. agentchart show ${thread}${hints.database} shows it.`,
        );
      }
      if (parentThreadId !== undefined) {
        throw new CliError(
          'cli.usage',
          `Thread "${threadId}" is a child agent's thread: its parent's run drives it. Stop the thread at the top of its family, which stops its children with it (agentchart show ${thread}${hints.database} names its parent, "${parentThreadId}").`,
        );
      }
      const agents = await loadAgents(
        module.file,
        { checkpointer: store.checkpointer },
        context,
        values.export,
      );
      try {
        const agent = agentFor(agents, checkpoint.run.agent, threadId, module.file);
        let outcome: RunOutcome;
        try {
          // The restore takes the thread's lease, so a live owner refuses it: nothing runs
          // twice. A waiting thread is restored at rest; `stop` ends it before it acts.
          outcome = await (await agent.resume(threadId)).stop();
        } catch (error) {
          throw stopRefusal(error, threadId, hints);
        }
        if (values.json) {
          context.stdout.write(`${jsonForTerminal(outcomeJson(outcome))}\n`);
        } else {
          const out = terminalWriter(context.stdout);
          out.write(`${outcome.status}  thread ${threadId}: ${formatUsage(outcome.usage)}\n`);
          out.write(
            outcome.status === 'stopped'
              ? `The thread is stored stopped: it takes no more replies or events. agentchart show ${thread}${hints.database} shows where it was.\n`
              : `The thread came to rest ${outcome.status} as it was restored, before the stop reached it. agentchart show ${thread}${hints.database} shows what it did.\n`,
          );
        }
        return outcome.status === 'stopped' ? exitCodes.ok : exitCodeOf(outcome);
      } finally {
        await Promise.all(agents.map((item) => item.agent.close()));
      }
    } finally {
      await store.close();
    }
  },
};

/** Why a stop was refused, as an error that says what to do. */
function stopRefusal(
  error: unknown,
  threadId: string,
  hints: { database: string; agent: string },
): unknown {
  if (!AgentchartError.isInstance(error)) return error;
  if (error.code === 'checkpoint.lease_held') {
    // A process that works on the thread keeps renewing its lease: a retry waits for it to
    // rest or end, so say how to stop it there.
    return heldThreadError(error, threadId, hints, {
      instead:
        "To stop it while that process works on it, stop that process (Ctrl-C hands a command's thread back, resumable), then run agentchart stop again.",
    });
  }
  if (
    error.code === 'checkpoint.version_mismatch' ||
    error.code === 'checkpoint.wrong_agent' ||
    error.code === 'checkpoint.invalid_migration'
  ) {
    return new CliError('cli.usage', error.message, error);
  }
  return error;
}
