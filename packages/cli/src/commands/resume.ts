import type { Agent, RunOutcome } from '@agentchart/core';
import { CliError } from '../cli-error';
import { exitCodeHelp, exitCodes } from '../exit-codes';
import { jsonForTerminal, previewOf } from '../terminal-text';
import { driveRun } from './drive-run';
import { listThreads, ownerIsGone } from './list-threads';
import { agentArgument, agentFor, agentModuleOf, agentVariable, loadAgents } from './load-agents';
import { formatColumns } from './open-store';
import { agentAndStoreOptions, parseCommandArgs } from './parse-command-args';
import { printProgress } from './progress';
import {
  databaseArgument,
  databaseVariable,
  defaultDatabase,
  describeDatabase,
  type OpenedStore,
  openRunDatabase,
  resolveDatabase,
  schemaVariable,
  shellWord,
} from './run-database';
import type { Command, CommandContext } from './types';
import { positiveInteger } from './whole-number-text';

const help = `Usage: agentchart resume <thread> [--agent <module>] [--db <file|url>] [--force]
       agentchart resume --all [--agent <module>] [--db <file|url>] [--concurrency <n>]

Continues a thread from its last checkpoint and drives it to its next rest: effects that had
finished are answered from the journal (no model call is paid twice), the one in flight runs
again under the same key, timers keep the time they had left. --all resumes every thread a
dead process left running (stored "running", its lease expired on the wall clock); a child
agent's thread is left to its parent's resume, which restores it where it rests. It wakes no
waiting thread whose timer or wait deadline fell due: "agentchart worker --once" does that
too (from cron), and takes a lease only once it lapsed on its own clock as well.

Options:
  -a, --agent <module>   the module exporting the agent factory (default: $${agentVariable})
  -e, --export <name>    the factory to use when the module exports several
  -d, --db <file|url>    the run database (default: $${databaseVariable}, else ${defaultDatabase})
      --schema <name>    the PostgreSQL schema of its tables (default: $${schemaVariable}, else public)
      --all              every thread whose owner is gone
  -c, --concurrency <n>  with --all: threads resumed at once (default 10, as the worker's)
      --force            take the thread even though a live lease holds it: only when you
                         know that process is gone (a live one may run its step twice)
      --json             print the outcome(s) as JSON, and no progress
  -q, --quiet            no progress lines
  -h, --help             show this help

${exitCodeHelp}
  With --all: 1 when any thread failed, else 0.
`;

/** `agentchart resume`: continues a thread (or every orphaned one) from its checkpoint. */
export const resumeCommand: Command = {
  name: 'resume',
  summary: 'continue a thread from its last checkpoint (or --all a dead process left)',
  help,
  async run(args, context) {
    const { values, positionals } = parseCommandArgs(
      'resume',
      args,
      {
        ...agentAndStoreOptions,
        all: { type: 'boolean' },
        concurrency: { type: 'string', short: 'c' },
        force: { type: 'boolean' },
        quiet: { type: 'boolean', short: 'q' },
      },
      'a thread id',
    );
    if (values.help) {
      context.stdout.write(help);
      return 0;
    }
    const [threadId, extra] = positionals;
    if (values.all ? threadId !== undefined : threadId === undefined || extra !== undefined) {
      throw new CliError(
        'cli.usage',
        values.all
          ? '--all resumes every orphaned thread; give no thread id with it.'
          : 'Give exactly one thread id, or --all. "agentchart runs" lists the threads.',
      );
    }
    if (!values.all && values.concurrency !== undefined) {
      throw new CliError(
        'cli.usage',
        '--concurrency goes with --all (threads resumed at once); one thread is resumed alone.',
      );
    }
    const concurrency = positiveInteger(values.concurrency, '--concurrency', 10);
    if (values.all && values.force) {
      throw new CliError(
        'cli.usage',
        '--force takes one thread, never --all: a live process may hold some of them.',
      );
    }
    const module = agentModuleOf(values.agent, 'resume', context);
    const database = resolveDatabase(values.db, context, values.schema);
    const hints = { database: databaseArgument(database), agent: agentArgument(module) };
    const store = await openRunDatabase(database, { command: 'resume', mustExist: true });
    try {
      const agents = await loadAgents(
        module.file,
        { checkpointer: store.checkpointer },
        context,
        values.export,
      );
      try {
        if (values.all) {
          return await resumeAll(
            store,
            agents.map((item) => item.agent),
            module.file,
            {
              context,
              json: values.json ?? false,
              quiet: values.quiet ?? false,
              concurrency,
            },
          );
        }
        const checkpoint = await store.checkpointer.latest(threadId!);
        if (!checkpoint) {
          throw new CliError(
            'cli.thread_not_found',
            `No thread "${threadId}" in ${describeDatabase(database)}. agentchart runs${hints.database} lists the threads it has.`,
          );
        }
        const { status } = checkpoint.run;
        if (status !== 'running' && status !== 'waiting') {
          context.stderr.write(
            `Thread ${threadId} already ended (${status}); there is nothing to resume. agentchart show ${shellWord(threadId!)}${hints.database} shows it.\n`,
          );
          if (values.json) context.stdout.write(`${jsonForTerminal({ threadId, status })}\n`);
          return status === 'failed' ? exitCodes.failed : status === 'done' ? 0 : exitCodes.limit;
        }
        const agent = agentFor(agents, checkpoint.run.agent, threadId!, module.file);
        return await driveRun({
          agent,
          threadId: threadId!,
          context,
          json: values.json ?? false,
          quiet: values.quiet ?? false,
          hints,
          forced: values.force ?? false,
          begin: () => agent.resume(threadId!, values.force ? { force: true } : {}),
        });
      } finally {
        await Promise.all(agents.map((item) => item.agent.close()));
      }
    } finally {
      await store.close();
    }
  },
};

/** One line of `resume --all`. */
interface ResumedThread {
  threadId: string;
  status: RunOutcome['status'] | 'busy' | 'error';
  /** A short summary for the table: cut, and quoted for a person. */
  detail: string;
  /** The run's whole outcome, as `resume <thread> --json` prints it (`--json` only). */
  outcome?: RunOutcome;
}

async function resumeAll(
  store: OpenedStore,
  agents: readonly Agent[],
  file: string,
  {
    context,
    json,
    quiet,
    concurrency,
  }: { context: CommandContext; json: boolean; quiet: boolean; concurrency: number },
): Promise<number> {
  const now = Date.now();
  const candidates: string[] = [];
  for (const thread of await listThreads(store.checkpointer, 'running')) {
    const owner = await ownerIsGone(store.checkpointer, thread.threadId, now);
    if (!owner.gone) continue;
    // A child agent's thread is its parent run's to drive: resuming the parent restores it
    // where it rests, and a resume of its own is refused (run.child_thread).
    const latest = await store.checkpointer.latest(thread.threadId);
    if (latest?.run.parentThreadId !== undefined) continue;
    candidates.push(thread.threadId);
  }
  const stopProgress =
    json || quiet
      ? () => {}
      : (() => {
          const stops = agents.map((agent) => printProgress(agent, context.stderr));
          return () => {
            for (const stop of stops) stop();
          };
        })();
  const results: ResumedThread[] = [];
  let next = 0;
  const lane = async () => {
    while (next < candidates.length) {
      const threadId = candidates[next++]!;
      results.push(await resumeOne(store, agents, file, threadId));
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, lane));
  } finally {
    stopProgress();
  }
  if (json) {
    // Whole: the table's detail is cut to a line, which a script cannot read an output from.
    context.stdout.write(`${jsonForTerminal(results)}\n`);
  } else if (results.length === 0) {
    context.stdout.write('No thread was left running by a process that is gone.\n');
  } else {
    const rows = results.map((item) => [item.threadId, item.status, item.detail]);
    context.stdout.write(`${formatColumns([['thread', 'status', 'detail'], ...rows])}\n`);
  }
  return results.some((item) => item.status === 'failed' || item.status === 'error')
    ? exitCodes.failed
    : exitCodes.ok;
}

async function resumeOne(
  store: OpenedStore,
  agents: readonly Agent[],
  file: string,
  threadId: string,
): Promise<ResumedThread> {
  try {
    const checkpoint = await store.checkpointer.latest(threadId);
    const agent = agentFor(
      agents.map((item) => ({ exportName: item.name, agent: item })),
      checkpoint?.run.agent,
      threadId,
      file,
    );
    const outcome = await (await agent.resume(threadId)).result();
    return { threadId, status: outcome.status, detail: detailOf(outcome), outcome };
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'checkpoint.lease_held') {
      return { threadId, status: 'busy', detail: 'another process took it meanwhile' };
    }
    return { threadId, status: 'error', detail: (error as Error).message };
  }
}

/** The `detail` column of `resume --all` for a thread's outcome: one line, cut to fit. */
export function detailOf(outcome: RunOutcome): string {
  switch (outcome.status) {
    case 'done':
      // A machine without `output` is done with nothing to show, not with `null`.
      return outcome.output === undefined
        ? ''
        : previewOf(JSON.stringify(outcome.output) ?? '', 60);
    case 'failed':
      return previewOf(`${outcome.error.code}: ${outcome.error.message}`, 80);
    case 'waiting':
      return previewOf(outcome.waits.map((wait) => wait.prompt).join('; '), 60) || 'a timer';
    case 'limit':
      return `${outcome.limit.limit} (${outcome.limit.max})`;
    case 'stopped':
      return 'stopped';
  }
}
