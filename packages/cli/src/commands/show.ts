import type { JournalEntry } from '@agentchart/core/internal';
import { CliError } from '../cli-error';
import { terminalSafe } from '../terminal-text';
import { defaultDatabase, formatColumns, openStore } from './open-store';
import { parseCommandArgs } from './parse-command-args';
import type { Command } from './types';

const help = `Usage: agentchart show <thread-id> [--db <file>]

Shows one thread: its latest checkpoint (status, state, usage) and its effect journal — every
model call, tool run and human wait, in order, with status, duration, tokens and errors.

Options:
  -d, --db <file>   the SQLite file agents checkpoint to (default: $AGENTCHART_DB, else ${defaultDatabase})
      --json        print the thread as one JSON object: its checkpoint's run state, its
                    state value and wake time, and its journal
  -h, --help        show this help
`;

/** `agentchart show <thread>`: a thread's latest state and its journal. */
export const showCommand: Command = {
  name: 'show',
  summary: "show a thread's latest state, usage and its journal of effects",
  help,
  async run(args, context) {
    const { values, positionals } = parseCommandArgs('show', args, {
      db: { type: 'string', short: 'd' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    });
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
    const { path, store, close } = await openStore('show', values.db, context);
    try {
      const checkpoint = await store.latest(threadId);
      if (!checkpoint) {
        throw new CliError(
          'cli.usage',
          `No thread "${threadId}" in ${path}. "agentchart runs --db ${path}" lists the threads it has.`,
        );
      }
      if (values.json) {
        context.stdout.write(
          `${JSON.stringify({
            threadId,
            version: checkpoint.version,
            machineVersion: checkpoint.machineVersion,
            run: checkpoint.run,
            state: (checkpoint.snapshot as { value?: unknown }).value ?? null,
            ...(checkpoint.wakeAt === undefined ? {} : { wakeAt: checkpoint.wakeAt }),
            lease: (await store.getLease(threadId)) ?? null,
            journal: await store.listEffects(threadId),
          })}\n`,
        );
        return 0;
      }
      const { usage, status } = checkpoint.run;
      const state = JSON.stringify((checkpoint.snapshot as { value?: unknown }).value ?? null);
      // Everything read from the store is made terminal-safe: it may hold escape sequences.
      const safe = (value: unknown) => terminalSafe(String(value));
      context.stdout.write(
        `thread   ${safe(threadId)}\nstatus   ${safe(status)} (checkpoint ${safe(checkpoint.version)}, machine ${safe(checkpoint.machineVersion)})\nstate    ${safe(state)}\n` +
          `usage    ${safe(usage.modelCalls)} model calls, ${safe(usage.inputTokens + usage.outputTokens)} tokens, $${safe(Number(usage.costUsd).toFixed(5))}, ${safe(usage.toolCalls)} tool calls, ${safe(usage.steps)} steps\n\n`,
      );
      const entries = await store.listEffects(threadId);
      context.stdout.write(
        entries.length === 0
          ? 'journal  (empty)\n'
          : `${formatColumns([['effect', 'kind', 'name', 'status', 'ms', 'tokens', 'error'], ...entries.map(row)])}\n`,
      );
      return 0;
    } finally {
      await close();
    }
  },
};

function row(entry: JournalEntry): string[] {
  const usage = (
    entry.output as
      | { response?: { usage?: { inputTokens: number; outputTokens: number } } }
      | undefined
  )?.response?.usage;
  return [
    entry.key,
    entry.kind,
    entry.name,
    entry.status,
    entry.finishedAt === undefined ? '' : String(entry.finishedAt - entry.startedAt),
    usage ? String(usage.inputTokens + usage.outputTokens) : '',
    entry.error ? `${entry.error.code}: ${entry.error.message}`.slice(0, 80) : '',
  ];
}
