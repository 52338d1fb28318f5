import type { HumanReplyEvent } from '@agentchart/core';
import type { EventObject } from 'xstate';
import { CliError } from '../cli-error';
import { exitCodeHelp } from '../exit-codes';
import { openWaits } from '../show/open-waits';
import { deliverReply } from './deliver-reply';
import { driveRun } from './drive-run';
import { readJsonArgument } from './json-argument';
import { agentArgument, agentFor, agentModuleOf, agentVariable, loadAgents } from './load-agents';
import { agentAndStoreOptions, parseCommandArgs } from './parse-command-args';
import {
  databaseArgument,
  databaseVariable,
  defaultDatabase,
  describeDatabase,
  openRunDatabase,
  resolveDatabase,
  schemaVariable,
} from './run-database';
import type { Command } from './types';

const help = `Usage: agentchart send <thread> --reply <json|@file> [--wait-id <id>] [--agent <module>]
       agentchart send <thread> '<event-json>' [--agent <module>]

Delivers a human reply (or any event) to a thread — resuming it from its checkpoint first
when no process holds it — and drives it to its next rest. A reply must fit the wait's
schema ("agentchart waits" shows it); one that does not is refused and the wait stays open.
A reply to an approval names the hash of the arguments it approves, as "agentchart show"
prints it: one without is refused, so it cannot approve a call other than the one shown.

Options:
  -r, --reply <json|@file> answer the thread's human wait with this value
  -w, --wait-id <id>       which wait, when the thread has several
  -a, --agent <module>     the module exporting the agent factory (default: $${agentVariable})
  -e, --export <name>      the factory to use when the module exports several
  -d, --db <file|url>      the run database (default: $${databaseVariable}, else ${defaultDatabase})
      --schema <name>      the PostgreSQL schema of its tables (default: $${schemaVariable}, else public)
      --json               print the outcome as JSON, and no progress
  -q, --quiet              no progress lines
  -h, --help               show this help

${exitCodeHelp}

Examples:
  agentchart send T-101 --reply '{"approved":true}'
  agentchart send T-102 --reply '{"approved":true,"argumentsHash":"9f2c…"}'   (an approval)
  agentchart send T-101 '{"type":"cancel"}'
`;

/** `agentchart send <thread>`: a human reply or an event, delivered to a thread. */
export const sendCommand: Command = {
  name: 'send',
  summary: 'deliver a human reply or an event to a thread and drive it to its next rest',
  help,
  async run(args, context) {
    const { values, positionals } = parseCommandArgs(
      'send',
      args,
      {
        ...agentAndStoreOptions,
        reply: { type: 'string', short: 'r' },
        'wait-id': { type: 'string', short: 'w' },
        quiet: { type: 'boolean', short: 'q' },
      },
      'a thread id',
    );
    if (values.help) {
      context.stdout.write(help);
      return 0;
    }
    const [threadId, eventText, extra] = positionals;
    if (threadId === undefined || extra !== undefined) {
      throw new CliError(
        'cli.usage',
        'Give the thread id, then --reply <json> or one event as JSON. Run "agentchart send --help".',
      );
    }
    if ((values.reply === undefined) === (eventText === undefined)) {
      throw new CliError(
        'cli.usage',
        values.reply === undefined
          ? `Nothing to send to "${threadId}": give --reply <json> to answer its human wait, or an event as JSON ('{"type":"cancel"}').`
          : 'Give --reply or an event, not both.',
      );
    }
    const event = await eventOf(eventText, values.reply, values['wait-id'], context);
    const module = agentModuleOf(values.agent, 'send', context);
    const database = resolveDatabase(values.db, context, values.schema);
    const hints = { database: databaseArgument(database), agent: agentArgument(module) };
    const store = await openRunDatabase(database, { command: 'send', mustExist: true });
    try {
      const agents = await loadAgents(
        module.file,
        { checkpointer: store.checkpointer },
        context,
        values.export,
      );
      try {
        const checkpoint = await store.checkpointer.latest(threadId);
        if (!checkpoint) {
          throw new CliError(
            'cli.thread_not_found',
            `No thread "${threadId}" in ${describeDatabase(database)}. agentchart runs${hints.database} lists the threads it has.`,
          );
        }
        const { status } = checkpoint.run;
        if (status !== 'running' && status !== 'waiting') {
          throw new CliError(
            'cli.usage',
            `Thread "${threadId}" already ended (${status}); it takes no more events. Start a new thread with agentchart run.`,
          );
        }
        const agent = agentFor(agents, checkpoint.run.agent, threadId, module.file);
        // An event no active state takes is refused by core (`run.event_not_taken`), a usage
        // error here: a misspelt event type is not taken for one delivered.
        return await driveRun({
          agent,
          threadId,
          context,
          json: values.json ?? false,
          quiet: values.quiet ?? false,
          hints,
          begin: async () =>
            event.type === 'human.reply'
              ? deliverReply(
                  agent,
                  threadId,
                  {
                    value: (event as HumanReplyEvent).value,
                    ...(values['wait-id'] === undefined ? {} : { waitId: values['wait-id'] }),
                  },
                  await openWaits(store.checkpointer, threadId),
                )
              : agent.send(threadId, event),
        });
      } finally {
        await Promise.all(agents.map((item) => item.agent.close()));
      }
    } finally {
      await store.close();
    }
  },
};

async function eventOf(
  eventText: string | undefined,
  reply: string | undefined,
  waitId: string | undefined,
  context: Parameters<Command['run']>[1],
): Promise<EventObject | HumanReplyEvent> {
  if (reply !== undefined) {
    const value = await readJsonArgument(reply, 'reply', context);
    return { type: 'human.reply', value, ...(waitId === undefined ? {} : { waitId }) };
  }
  if (waitId !== undefined) {
    throw new CliError('cli.usage', '--wait-id goes with --reply: it picks the wait to answer.');
  }
  const event = await readJsonArgument(eventText!, 'event', context);
  if (
    typeof event !== 'object' ||
    event === null ||
    typeof (event as { type?: unknown }).type !== 'string'
  ) {
    throw new CliError(
      'cli.usage',
      `An event is a JSON object with a "type" string, e.g. '{"type":"cancel"}'; got ${JSON.stringify(event)}.`,
    );
  }
  return event as EventObject;
}
