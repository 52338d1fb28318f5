import { headOf } from '@agentchart/core/internal';
import { CliError } from '../cli-error';
import { deadlinePassed, openWaits, passedDeadlineNote } from '../show/open-waits';
import { replySchemasNow } from '../show/reply-schemas-now';
import { rootOf } from '../show/root-thread';
import { jsonForTerminal, terminalSafe } from '../terminal-text';
import { listThreads } from './list-threads';
import { agentVariable } from './load-agents';
import { formatColumns, openStore } from './open-store';
import { agentAndStoreOptions, parseCommandArgs } from './parse-command-args';
import {
  databaseArgument,
  databaseVariable,
  defaultDatabase,
  describeDatabase,
  resolveDatabase,
  schemaVariable,
  shellWord,
} from './run-database';
import type { Command } from './types';

const help = `Usage: agentchart waits [--thread <id>] [--db <file|url>] [--agent <module>] [--json]

Lists the human waits pending in a run database: the thread, the wait's id, what the human
is asked, the shape a reply must have (JSON Schema) and the deadline (marked "passed" once
a reply is refused, until the thread is woken or resumed and times out). A thread stored
running has its waits listed too (a parent whose other child still works, or whose process
died mid-step): send is refused while a live process holds it, and resumes it once its
owner is gone. Answer one with
"agentchart send <thread> --reply '<json>'". A child agent's wait is listed under the thread
that answers it, its parent's (the child's own thread beside it). Reads the database only.
Without an agent module, the reply's shape is the one recorded when the wait opened; a
reply is checked by the code that takes it, so after a deploy that changed a reply schema,
give the module (or set $${agentVariable}): its schema is shown, marked "changed since asked".

Options:
  -t, --thread <id>     only this thread's waits
  -a, --agent <module>  the agent module whose reply schemas to show (default: $${agentVariable})
  -e, --export <name>   the agent factory of that module, when it exports several
  -d, --db <file|url>   the run database (default: $${databaseVariable}, else ${defaultDatabase})
      --schema <name>   the PostgreSQL schema of its tables (default: $${schemaVariable}, else public)
      --json            print the waits as a JSON array
  -h, --help            show this help
`;

/** One pending human wait, as `waits --json` prints it. */
export interface PendingWaitRow {
  /** The thread to answer it through (`agentchart send <threadId>`): a child agent's parent's. */
  threadId: string;
  /** The agent of that thread (the module that answers it). */
  agent?: string;
  /** Set for a child agent's wait: the child's own thread, which waits with its parent. */
  childThreadId?: string;
  waitId: string;
  prompt: string;
  /** The JSON Schema a reply must fit (the agent module's, when one was given). */
  replySchema?: unknown;
  /**
   * Set when the agent module checks replies with another schema than the one the wait
   * recorded when it opened: the recorded one (`null` if it recorded none).
   */
  recordedReplySchema?: unknown;
  deadline?: number;
  /**
   * Set when the deadline has passed: the wait is still open (nothing has timed it out yet),
   * but a reply now is refused with `human.timeout`.
   */
  deadlinePassed?: true;
  /**
   * Set when the thread that answers it is stored `running` (a parent whose other child
   * still works, or whose process died mid-step): a reply is refused while a live process
   * holds the thread, and resumes it once its owner is gone.
   */
  threadRunning?: true;
  since: number;
}

/** `agentchart waits`: the human waits pending in a run database. */
export const waitsCommand: Command = {
  name: 'waits',
  summary: 'list pending human waits: prompt, reply schema, deadline',
  help,
  async run(args, context) {
    const { values, positionals } = parseCommandArgs('waits', args, {
      ...agentAndStoreOptions,
      thread: { type: 'string', short: 't' },
    });
    if (values.help) {
      context.stdout.write(help);
      return 0;
    }
    if (positionals.length > 0) {
      throw new CliError(
        'cli.usage',
        `"waits" takes no arguments, got "${positionals[0]}"; use --thread <id> for one thread.`,
      );
    }
    const database = resolveDatabase(values.db, context, values.schema);
    // Read-only, as `runs` and `show` open it: on a read-only file or mount, or a copy from
    // a backup, and without upgrading an older file's schema.
    const store = await openStore('waits', values.db, context, values.schema);
    const schemasNow = await replySchemasNow(
      values.agent,
      values.export,
      store.store,
      context,
      'waits',
    ).catch(async (error: unknown) => {
      await store.close();
      throw error;
    });
    try {
      const checkpointer = store.store;
      // Threads stored running too: a parent whose other child still works (or whose process
      // died mid-call) is, while its child waits for a person; `send` answers that wait.
      const threadIds =
        values.thread === undefined
          ? (
              await Promise.all(
                (['waiting', 'running'] as const).map((status) =>
                  listThreads(checkpointer, status),
                ),
              )
            )
              .flat()
              .map((thread) => thread.threadId)
          : [values.thread];
      const rows: PendingWaitRow[] = [];
      // The waits past their deadline, whose kind says the code a reply to them is refused with.
      const overdue: { approval?: true }[] = [];
      const now = Date.now();
      for (const threadId of threadIds) {
        const checkpoint = await checkpointer.latest(threadId);
        if (!checkpoint) {
          throw new CliError(
            'cli.thread_not_found',
            `No thread "${threadId}" in ${describeDatabase(database)}. agentchart runs${databaseArgument(database)} lists the threads it has.`,
          );
        }
        // A child agent's thread rests with its parent's, whose listing has its waits.
        if (checkpoint.run.parentThreadId !== undefined && values.thread === undefined) continue;
        if (checkpoint.run.status !== 'waiting' && checkpoint.run.status !== 'running') continue;
        const root = await rootOf(checkpointer, checkpoint);
        const running =
          root.threadId === threadId
            ? checkpoint.run.status === 'running'
            : (await checkpointer.latest(root.threadId))?.run.status === 'running';
        for (const wait of await openWaits(
          checkpointer,
          threadId,
          0,
          threadId,
          schemasNow?.lookup,
        )) {
          if (deadlinePassed(wait, now)) overdue.push(wait);
          rows.push({
            threadId: root.threadId,
            ...(root.agent === undefined ? {} : { agent: root.agent }),
            ...(wait.threadId === root.threadId ? {} : { childThreadId: wait.threadId }),
            waitId: wait.waitId,
            prompt: wait.prompt,
            ...(wait.replySchema === undefined ? {} : { replySchema: wait.replySchema }),
            ...(wait.recordedReplySchema === undefined
              ? {}
              : { recordedReplySchema: wait.recordedReplySchema }),
            ...(wait.deadline === undefined ? {} : { deadline: wait.deadline }),
            ...(deadlinePassed(wait, now) ? { deadlinePassed: true as const } : {}),
            ...(running ? { threadRunning: true as const } : {}),
            since: wait.since,
          });
        }
      }
      if (values.json) {
        context.stdout.write(`${jsonForTerminal(rows)}\n`);
        return 0;
      }
      if (rows.length === 0) {
        context.stdout.write(`No human waits pending in ${describeDatabase(database)}.\n`);
        return 0;
      }
      const children = rows.some((row) => row.childThreadId !== undefined);
      const table = rows.map((row) => [
        row.threadId,
        ...(children ? [row.childThreadId ?? ''] : []),
        row.waitId,
        row.prompt.length > 60 ? `${headOf(row.prompt, 57)}...` : row.prompt,
        `${row.replySchema === undefined ? '(any)' : schemaSummary(row.replySchema)}${row.recordedReplySchema === undefined ? '' : ' (changed since asked)'}`,
        row.deadline === undefined
          ? ''
          : `${new Date(row.deadline).toISOString()}${row.deadlinePassed ? ' (passed)' : ''}`,
      ]);
      const passed = overdue.length;
      const inRunning = rows.filter((row) => row.threadRunning).length;
      context.stdout.write(
        `${formatColumns([['thread', ...(children ? ['child agent'] : []), 'wait', 'prompt', 'reply', 'deadline'], ...table])}\n\n` +
          // The ids come from the database: a control character in one must not reach the terminal.
          `${terminalSafe(`Answer one with: agentchart send ${rows.length === 1 ? shellWord(rows[0]!.threadId) : '<thread>'} --reply '<json>' --wait-id ${rows.length === 1 ? shellWord(rows[0]!.waitId) : '<wait>'}${values.agent !== undefined ? ` --agent ${shellWord(values.agent)}` : context.env?.[agentVariable] ? '' : ' --agent <module>'}${databaseArgument(database)}`)}\n` +
          (passed === 0
            ? ''
            : `${passed === 1 ? 'One wait is' : `${passed} waits are`} past the deadline: ${passedDeadlineNote(overdue)}.\n`) +
          (inRunning === 0
            ? ''
            : `${inRunning === 1 ? 'One wait is' : `${inRunning} waits are`} in a thread stored running (its other work goes on): send is refused (exit 5) while a process holds the thread, and resumes it to deliver the reply once its owner is gone (agentchart runs says which).\n`),
      );
      return 0;
    } finally {
      await schemasNow?.close();
      await store.close();
    }
  },
};

/** A reply schema in one line: `{approved: boolean, note?: string}`. */
export function schemaSummary(schema: unknown): string {
  const node = schema as {
    type?: unknown;
    properties?: Record<string, unknown>;
    required?: string[];
    enum?: unknown[];
    items?: unknown;
  };
  if (Array.isArray(node.enum)) return node.enum.map((value) => JSON.stringify(value)).join(' | ');
  if (node.type === 'object' && node.properties) {
    const required = new Set(node.required ?? []);
    const fields = Object.entries(node.properties).map(
      ([name, value]) => `${name}${required.has(name) ? '' : '?'}: ${schemaSummary(value)}`,
    );
    return `{${fields.join(', ')}}`;
  }
  if (node.type === 'array') return `${schemaSummary(node.items)}[]`;
  if (typeof node.type === 'string') return node.type;
  return JSON.stringify(schema);
}
