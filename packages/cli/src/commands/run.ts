import { randomUUID } from 'node:crypto';
import { CliError } from '../cli-error';
import { exitCodeHelp } from '../exit-codes';
import { driveRun } from './drive-run';
import { readJsonArgument } from './json-argument';
import { agentArgument, loadAgents } from './load-agents';
import { parseCommandArgs } from './parse-command-args';
import {
  databaseArgument,
  databaseVariable,
  defaultDatabase,
  openRunDatabase,
  resolveDatabase,
  schemaVariable,
  shellWord,
} from './run-database';
import type { Command } from './types';

const help = `Usage: agentchart run <module> [--input <json|@file>] [--thread <id>] [--db <file|url>]

Starts a new thread of the agent a module exports and drives it to its next rest, printing
each state entered and each model and tool call (on stderr), then the outcome. Every step is
checkpointed in the run database, so a run killed at any point continues with
"agentchart resume <thread>", and pays for no model call twice.

The module exports an agent factory, so the command can give the agent the run database:
  export const support = agentFactory((host) => createAgent({ machine, models, ...host }));

Arguments:
  <module>                 a .ts, .mts, .js or .mjs module; TypeScript needs no build

Options:
  -i, --input <json|@file> the run's input, as JSON or @file.json (default {})
  -t, --thread <id>        the new thread's id (default: generated)
      --tenant <id>        the tenant its model calls are charged to
  -e, --export <name>      the factory to use when the module exports several
  -d, --db <file|url>      the run database: an SQLite file or a postgres:// URL
                           (default: $${databaseVariable}, else ${defaultDatabase})
      --schema <name>      the PostgreSQL schema of its tables (default: $${schemaVariable}, else public)
      --json               print the outcome as one JSON object, and no progress
  -q, --quiet              no progress lines
  -h, --help               show this help

${exitCodeHelp}

Examples:
  agentchart run src/support.ts --input '{"ticket":"I was charged twice"}'
  agentchart run src/pipeline.ts --input @tender.json --thread T-101 --json
`;

/** `agentchart run <module>`: starts a thread and drives it to its next rest. */
export const runCommand: Command = {
  name: 'run',
  summary: 'start a thread of an agent and drive it to its next rest (done, waiting …)',
  help,
  async run(args, context) {
    const { values, positionals } = parseCommandArgs('run', args, {
      input: { type: 'string', short: 'i' },
      thread: { type: 'string', short: 't' },
      tenant: { type: 'string' },
      export: { type: 'string', short: 'e' },
      db: { type: 'string', short: 'd' },
      schema: { type: 'string' },
      json: { type: 'boolean' },
      quiet: { type: 'boolean', short: 'q' },
      help: { type: 'boolean', short: 'h' },
    });
    if (values.help) {
      context.stdout.write(help);
      return 0;
    }
    const [file, extra] = positionals;
    if (file === undefined || extra !== undefined) {
      throw new CliError(
        'cli.usage',
        file === undefined
          ? 'Missing the agent module. Usage: agentchart run <module> [--input <json|@file>] [--thread <id>]'
          : `Unexpected argument "${extra}": run takes one module. Give the input with --input '<json>'.`,
      );
    }
    const input =
      values.input === undefined ? {} : await readJsonArgument(values.input, 'input', context);
    const database = resolveDatabase(values.db, context, values.schema);
    const store = await openRunDatabase(database, { command: 'run', mustExist: false });
    try {
      const [loaded, ...others] = await loadAgents(
        file,
        { checkpointer: store.checkpointer },
        context,
        values.export,
      );
      if (others.length > 0) {
        throw new CliError(
          'cli.no_agent',
          `${file} exports several agent factories (${[loaded!, ...others].map((item) => item.exportName).join(', ')}). Pick one with --export <name>.`,
        );
      }
      const { agent } = loaded!;
      const hints = {
        database: databaseArgument(database),
        agent: agentArgument({ file, source: 'flag' }),
      };
      const threadId = values.thread ?? `${agent.name}-${randomUUID().slice(0, 8)}`;
      const existing = await store.checkpointer.latest(threadId);
      if (existing) {
        await agent.close();
        throw new CliError(
          'cli.usage',
          existing.run.status === 'waiting'
            ? `Thread "${threadId}" already exists and waits for a reply. See what it waits for with: agentchart waits --thread ${shellWord(threadId)}${hints.database}; answer it with: agentchart send ${shellWord(threadId)} --reply '<json>'${hints.agent}${hints.database} — or pick a new --thread.`
            : `Thread "${threadId}" already exists (${existing.run.status}). Continue it with: agentchart resume ${shellWord(threadId)}${hints.agent}${hints.database} — or pick a new --thread.`,
        );
      }
      return await driveRun({
        agent,
        threadId,
        context,
        json: values.json ?? false,
        quiet: values.quiet ?? false,
        hints,
        starting: true,
        begin: () =>
          agent.start({
            threadId,
            input: input as never,
            ...(values.tenant === undefined ? {} : { tenantId: values.tenant }),
          }),
      });
    } finally {
      await store.close();
    }
  },
};
