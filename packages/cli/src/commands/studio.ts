import { CliError } from '../cli-error';
import { serveStudio } from '../studio/serve-studio';
import { terminalSafe } from '../terminal-text';
import { agentVariable } from './load-agents';
import { defaultDatabase } from './open-store';
import { parseCommandArgs } from './parse-command-args';
import { databaseVariable, schemaVariable } from './run-database';
import type { Command, CommandContext } from './types';
import { isWholeNumberText } from './whole-number-text';

const help = `Usage: agentchart studio [--db <file|url>] [--schema <name>] [--port <n>] [--agent <module> ...] [--recording <file> ...]

Serves the studio on this machine's loopback address: the runs of a run database (status,
agent, duration, tokens, cost; waiting runs first), each run's statechart with the path it
took, a scrubber over its steps (states, context changes, every model call with its messages,
tokens per context section, cost, latency, attempts and cache hit; every tool call) and cost
and time drawn on the chart. It updates live as runs advance. The database is opened
read-only; answering a waiting run goes through its agent, as "agentchart send" does.

It also takes the XState inspector protocol on the same port (ws://127.0.0.1:<port>):
point @statelyai/inspect's createWebSocketInspector at it to watch any XState actor offline.

Options:
  -d, --db <file|url>      the run database: a SQLite file, opened read-only, or a
                           postgres:// URL (default: $${databaseVariable}, else ${defaultDatabase})
      --schema <name>      on PostgreSQL, the schema of agentchart's tables (default:
                           $${schemaVariable}, else public)
  -p, --port <n>           the port to listen on (default 4400; 0 picks a free one)
  -a, --agent <module>     a module exporting the agents (or agent factories, or machines) of
                           the runs: their charts are drawn, their waits can be answered here.
                           Repeat for several modules (default: $${agentVariable})
  -r, --recording <file>   an inspection recording (JSON Lines, from @agentchart/inspect's
                           recordInspection) to show under Inspector. Repeatable
  -h, --help               show this help

Examples:
  agentchart studio --db examples/tender-pipeline/.agentchart/runs.db --agent examples/tender-pipeline/src/pipeline.ts
  agentchart studio --port 0 --recording runs.inspect.jsonl
`;

/** `agentchart studio`: the local viewer of runs and inspected actors. */
export const studioCommand: Command = {
  name: 'studio',
  summary: 'serve the local viewer: runs on their chart, step by step, live; inspector protocol',
  help,
  async run(args, context) {
    const { values, positionals } = parseCommandArgs('studio', args, {
      db: { type: 'string', short: 'd' },
      schema: { type: 'string' },
      port: { type: 'string', short: 'p', default: '4400' },
      agent: { type: 'string', short: 'a', multiple: true },
      recording: { type: 'string', short: 'r', multiple: true },
      help: { type: 'boolean', short: 'h' },
    });
    if (values.help) {
      context.stdout.write(help);
      return 0;
    }
    if (positionals.length > 0) {
      throw new CliError(
        'cli.usage',
        `"studio" takes no arguments, got "${positionals[0]}". Give modules with --agent; run "agentchart studio --help".`,
      );
    }
    const port = Number(values.port);
    if (!isWholeNumberText(values.port) || !Number.isInteger(port) || port < 0 || port > 65_535) {
      throw new CliError(
        'cli.usage',
        `--port must be a port number from 0 to 65535, got "${values.port}".`,
      );
    }
    const modules =
      values.agent ?? (context.env?.[agentVariable] ? [context.env[agentVariable]] : []);
    const studio = await serveStudio({
      ...(values.db === undefined ? {} : { database: values.db }),
      ...(values.schema === undefined ? {} : { schema: values.schema }),
      modules,
      recordings: values.recording ?? [],
      port,
      context,
    });
    try {
      context.stdout.write(
        `agentchart studio: ${studio.url}  (runs of ${terminalSafe(studio.database)}; inspector protocol at ${studio.inspectUrl})\nPress Ctrl+C to stop.\n`,
      );
      await untilInterrupted(context);
      return 0;
    } finally {
      await studio.close();
    }
  },
};

/** Resolves when the user stops the command (SIGINT, SIGTERM): the studio then closes cleanly. */
function untilInterrupted(context: CommandContext): Promise<void> {
  return new Promise((resolve) => {
    const stopListening = context.onInterrupt?.(() => {
      stopListening?.();
      resolve();
    });
  });
}
