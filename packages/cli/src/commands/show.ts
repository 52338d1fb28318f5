import { CliError } from '../cli-error';
import { exampleReply } from '../show/example-reply';
import { lateStatus } from '../show/late-status';
import { deadlinePassed, type OpenWait, openWaits, passedDeadlineNote } from '../show/open-waits';
import { replySchemasNow } from '../show/reply-schemas-now';
import { rootOf } from '../show/root-thread';
import { stateText, type TimelineItem, threadTimeline } from '../show/thread-timeline';
import { jsonForTerminal, previewOf, terminalSafe } from '../terminal-text';
import { formatCost, formatCount, formatUsage } from './format-figures';
import { agentVariable } from './load-agents';
import { defaultDatabase, formatColumns, formatTime, openStore } from './open-store';
import { agentAndStoreOptions, parseCommandArgs } from './parse-command-args';
import { schemaVariable, shellWord } from './run-database';
import type { Command } from './types';

const help = `Usage: agentchart show <thread-id> [--db <file>] [--agent <module>] [--json]

Shows one thread: its status, state and usage, then its timeline — the chart states it
entered and every effect step (model call, tool call, human wait, child agent, whose own
steps follow one level in) with latency, tokens, cost, attempts, cache hits and errors.
A waiting thread also shows what it waits for: the prompt, the shape a reply must have,
and the command that answers it. Reads the database only. Without an agent module, the
reply's shape is the one recorded when the wait opened; after a deploy that changed a reply
schema, give the module (or set $${agentVariable}) to see the one its code checks replies with.

Options:
  -a, --agent <module>  the agent module whose reply schemas to show (default: $${agentVariable})
  -e, --export <name>   the agent factory of that module, when it exports several
  -d, --db <file|url>   the run database (default: $AGENTCHART_DB, else ${defaultDatabase})
      --schema <name>   the PostgreSQL schema of its tables (default: $${schemaVariable}, else public)
      --json            print the thread as one JSON object: its checkpoint's run state, its
                        state value and wake time, its lease, its timeline, its open waits
                        (each with the command that answers it) and its journal
  -h, --help            show this help
`;

/** `agentchart show <thread>`: a thread's state, usage, timeline and open waits. */
export const showCommand: Command = {
  name: 'show',
  summary: "show a thread's timeline: states and steps with tokens, cost, latency, errors, waits",
  help,
  async run(args, context) {
    const { values, positionals } = parseCommandArgs(
      'show',
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
        'Give exactly one thread id. "agentchart runs" lists them; "agentchart show --help" for usage.',
      );
    }
    const { path, store, close } = await openStore('show', values.db, context, values.schema);
    const schemasNow = await replySchemasNow(
      values.agent,
      values.export,
      store,
      context,
      'show',
    ).catch(async (error: unknown) => {
      await close();
      throw error;
    });
    try {
      const checkpoint = await store.latest(threadId);
      if (!checkpoint) {
        throw new CliError(
          'cli.usage',
          `No thread "${threadId}" in ${path}. "agentchart runs --db ${path}" lists the threads it has.`,
        );
      }
      const [summary] = await store.listRuns({ threadId });
      const timeline = await threadTimeline(store, threadId);
      // A child agent's wait is answered through the thread at the top of its family, which
      // names it by the child's thread below it.
      const answeredThrough =
        checkpoint.run.parentThreadId === undefined
          ? threadId
          : (await rootOf(store, checkpoint)).threadId;
      // A thread stored running may have waits open too: a parent whose other child still
      // works while one waits for a person.
      const waits =
        checkpoint.run.status === 'waiting' || checkpoint.run.status === 'running'
          ? await openWaits(store, threadId, 0, answeredThrough, schemasNow?.lookup)
          : [];
      const state = stateText((checkpoint.snapshot as { value?: unknown }).value ?? null);
      const answer = (wait: OpenWait) =>
        answerCommand({
          threadId: answeredThrough,
          wait,
          several: waits.length > 1,
          database: values.db,
          schema: values.schema,
          agent: values.agent,
          agentKnown: Boolean(context.env?.[agentVariable]),
        });
      const agentName = checkpoint.run.agent ?? summary?.agent ?? null;
      if (values.json) {
        context.stdout.write(
          `${jsonForTerminal({
            threadId,
            agent: agentName,
            tenantId: checkpoint.run.tenantId ?? summary?.tenantId ?? null,
            status: checkpoint.run.status,
            version: checkpoint.version,
            machineVersion: checkpoint.machineVersion,
            run: checkpoint.run,
            state: (checkpoint.snapshot as { value?: unknown }).value ?? null,
            ...(checkpoint.wakeAt === undefined ? {} : { wakeAt: checkpoint.wakeAt }),
            lease: (await store.getLease(threadId)) ?? null,
            timeline,
            waits: waits.map((wait) => ({ ...wait, command: answer(wait) })),
            journal: await store.listEffects(threadId),
          })}\n`,
        );
        return 0;
      }
      // Everything read from the store is made terminal-safe: it may hold escape sequences.
      const safe = (value: unknown) => terminalSafe(String(value));
      const { usage, status, tenantId } = checkpoint.run;
      const agent = agentName ?? '(no steps yet)';
      const tenant =
        (summary?.tenantId ?? tenantId) ? ` (tenant ${summary?.tenantId ?? tenantId})` : '';
      context.stdout.write(
        `thread   ${safe(threadId)}\nagent    ${safe(agent + tenant)}\n` +
          `status   ${safe(status)} (checkpoint ${safe(checkpoint.version)}, machine ${safe(checkpoint.machineVersion)})\n` +
          (checkpoint.run.error
            ? `error    ${safe(checkpoint.run.error.code)}: ${safe(checkpoint.run.error.message)}\n`
            : '') +
          (checkpoint.run.limit
            ? `limit    ${safe(checkpoint.run.limit.limit)} reached: ${safe(checkpoint.run.limit.value)} against a maximum of ${safe(checkpoint.run.limit.max)}${checkpoint.run.limit.duringWrapUp ? ', again during the wrap-up' : ''}${checkpoint.run.limit.familyThreadId === undefined ? '' : ` (the limit of thread ${safe(checkpoint.run.limit.familyThreadId)}, shared with its child agents)`}\n`
            : '') +
          `state    ${safe(JSON.stringify(state))}\n` +
          wakesLine(checkpoint.wakeAt, Date.now()) +
          `usage    ${safe(formatUsage(usage))}\n\n`,
      );
      context.stdout.write(
        timeline.length === 0
          ? 'timeline (no states or steps recorded)\n'
          : `${formatColumns([timelineHeader, ...timeline.map(timelineRow)])}\n`,
      );
      for (const [index, wait] of waits.entries()) {
        context.stdout.write(
          `\n${waits.length > 1 ? `wait ${index + 1} of ${waits.length}` : 'waiting for a human'}\n` +
            `  wait     ${safe(wait.waitId)}${wait.threadId === threadId ? '' : ` (child agent thread ${safe(wait.threadId)})`}\n` +
            `  state    ${safe(wait.state ?? '?')}, since ${safe(formatTime(wait.since))}${wait.deadline === undefined ? ', no deadline' : deadlinePassed(wait, Date.now()) ? `, deadline passed ${safe(formatTime(wait.deadline))}: ${passedDeadlineNote([wait])}` : `, times out ${safe(formatTime(wait.deadline))}`}\n` +
            `  prompt   ${safe(wait.prompt)}\n` +
            (wait.redacted
              ? '  note     parts of this were redacted before they were stored: what is shown is not all the step holds (a call approved here runs with the real values). Check them where they come from, or answer through a handle of the process that holds the run.\n'
              : '') +
            `  reply    ${wait.replySchema === undefined ? `any JSON value (${wait.recordedReplySchema === undefined ? 'the wait recorded no schema' : "the agent's code checks it with no JSON Schema"})` : safe(JSON.stringify(wait.replySchema))}\n` +
            (wait.recordedReplySchema === undefined
              ? ''
              : `  asked    ${safe(JSON.stringify(wait.recordedReplySchema))} when the wait opened: the agent's code has changed the reply schema since, and checks a reply with the one above\n`) +
            `  answer   ${safe(answer(wait))}\n`,
        );
      }
      return 0;
    } finally {
      await schemasNow?.close();
      await close();
    }
  },
};

/**
 * When a resting thread next acts on its own (an `after` timer, a wait's deadline), and
 * whether that time has come: nothing but a running worker (or a resume) wakes it then.
 */
function wakesLine(wakeAt: number | undefined, now: number): string {
  if (wakeAt === undefined) return '';
  const when = terminalSafe(formatTime(wakeAt));
  return wakeAt <= now
    ? `wakes    ${when}, due now: a running "agentchart worker" (or "agentchart resume") wakes it\n`
    : `wakes    ${when} (its next timer or wait deadline)\n`;
}

const timelineHeader = [
  'time',
  'step',
  'kind',
  'name',
  'status',
  'ms',
  'tokens',
  'cost',
  'tries',
  'cache',
  'error',
];

function timelineRow(item: TimelineItem): string[] {
  const indent = '  '.repeat(item.depth);
  const time = clockTime(item.at);
  if (item.type === 'state')
    return [time, indent + item.state, 'state', '', '', '', '', '', '', '', ''];
  const { row, error, lateResult } = item;
  const tokens =
    row.inputTokens === null ? '' : formatCount(row.inputTokens + (row.outputTokens ?? 0));
  // A tool that returned after the chart left its step acted: said, with what it returned,
  // rather than a plain `started` that reads as "maybe never ran".
  const note = lateResult
    ? previewOf(
        `returned after its run ended or its state was left, unseen by the chart: ${JSON.stringify(lateResult.output) ?? 'nothing'}`,
        100,
      )
    : undefined;
  return [
    time,
    `${indent}  ${row.key}`,
    row.kind,
    row.model ?? row.name,
    lateResult ? lateStatus : row.status,
    lateResult
      ? formatCount(lateResult.latencyMs)
      : row.latencyMs === null
        ? ''
        : formatCount(row.latencyMs),
    tokens,
    row.costUsd === null ? '' : formatCost(row.costUsd),
    row.attempts === null ? '' : String(row.attempts),
    row.cached ? 'hit' : '',
    error ? previewOf(`${error.code}: ${error.message}`, 100) : (note ?? row.errorCode ?? ''),
  ];
}

/** The time of day, UTC, to the millisecond: `09:30:00.061`. */
function clockTime(at: number): string {
  const date = new Date(at);
  return Number.isNaN(date.getTime()) ? String(at) : date.toISOString().slice(11, 23);
}

/** The command that answers `wait`, with an example reply that fits its schema. */
function answerCommand({
  threadId,
  wait,
  several,
  database,
  schema,
  agent,
  agentKnown,
}: {
  threadId: string;
  wait: OpenWait;
  several: boolean;
  database: string | undefined;
  /** `--schema`, repeated in the command as it was given. */
  schema?: string | undefined;
  /** `--agent`, repeated in the command as it was given. */
  agent?: string | undefined;
  /** `AGENTCHART_AGENT` names the agent module: `--agent` is not needed. */
  agentKnown: boolean;
}): string {
  const reply = JSON.stringify(exampleReply(wait.replySchema) ?? true);
  const words = ['agentchart', 'send', threadId, '--reply', reply];
  if (several || wait.threadId !== threadId) words.push('--wait-id', wait.waitId);
  if (agent !== undefined) words.push('--agent', agent);
  else if (!agentKnown) words.push('--agent', '<module>');
  if (database !== undefined) words.push('--db', database);
  if (schema !== undefined) words.push('--schema', schema);
  return words.map((word) => (word === '<module>' ? word : shellWord(word))).join(' ');
}
