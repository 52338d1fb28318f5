import { resolve } from 'node:path';
import { SqliteCheckpointer } from '@agentchart/core';
import { readInspectionRecording } from '@agentchart/inspect';
import { CliError } from '../cli-error';
import { AgentCatalog } from '../studio/agent-catalog';
import { InspectorSessions } from '../studio/inspector-sessions';
import { journalRunSource } from '../studio/journal-run-source';
import { loadStudioModules } from '../studio/load-studio-modules';
import { startStudio } from '../studio/start-studio';
import { loadStudioAssets } from '../studio/studio-assets';
import { terminalSafe } from '../terminal-text';
import { defaultDatabase, openStore } from './open-store';
import { parseCommandArgs } from './parse-command-args';
import type { Command } from './types';

const help = `Usage: agentchart studio [--db <file>] [--port <n>] [--agent <module> ...] [--recording <file> ...]

Serves the studio on this machine's loopback address: the runs of a run database (status,
agent, duration, tokens, cost; waiting runs first), each run's statechart with the path it
took, a scrubber over its steps (states, context changes, every model call with its messages,
tokens per context section, cost, latency, attempts and cache hit; every tool call) and cost
and time drawn on the chart. It updates live as runs advance. The database is opened
read-only; answering a waiting run goes through its agent, as "agentchart send" does.

It also takes the XState inspector protocol on the same port (ws://127.0.0.1:<port>):
point @statelyai/inspect's createWebSocketInspector at it to watch any XState actor offline.

Options:
  -d, --db <file>          the SQLite file agents checkpoint to (default ${defaultDatabase})
  -p, --port <n>           the port to listen on (default 4400; 0 picks a free one)
  -a, --agent <module>     a module exporting the agents (or agent factories, or machines) of
                           the runs: their charts are drawn, their waits can be answered here.
                           Repeat for several modules
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
    if (!Number.isInteger(port) || port < 0 || port > 65_535) {
      throw new CliError(
        'cli.usage',
        `--port must be a port number from 0 to 65535, got "${values.port}".`,
      );
    }
    const { path, store } = openStore('studio', values.db, context);
    const catalog = new AgentCatalog();
    let writable: SqliteCheckpointer | undefined;
    const inspector = new InspectorSessions();
    let studio: Awaited<ReturnType<typeof startStudio>> | undefined;
    try {
      const agents = await loadStudioModules({
        files: values.agent ?? [],
        catalog,
        context,
        // Agents made by a factory write to the same database, as "agentchart send" does.
        openWritable: () => {
          writable ??= new SqliteCheckpointer({ path });
          return writable;
        },
      });
      for (const file of values.recording ?? []) {
        const messages = await readInspectionRecording(resolve(context.cwd, file)).catch(
          (error) => {
            throw new CliError(
              'cli.file_not_found',
              `Could not read the recording ${file}: ${(error as Error).message}`,
              error,
            );
          },
        );
        for (const message of messages) inspector.receive(message);
      }
      studio = await startStudio({
        source: journalRunSource({ store, catalog, canReply: agents.size > 0 }),
        catalog,
        agents,
        inspector,
        assets: await loadStudioAssets(),
        port,
      }).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'EADDRINUSE') {
          throw new CliError(
            'cli.usage',
            `Port ${port} is in use. Pick another with --port <n>, or --port 0 for any free one.`,
            error,
          );
        }
        throw error;
      });
      context.stdout.write(
        `agentchart studio: ${studio.url}  (runs of ${terminalSafe(path)}; inspector protocol at ${studio.inspectUrl})\nPress Ctrl+C to stop.\n`,
      );
      await untilInterrupted();
      return 0;
    } finally {
      if (studio) await studio.close();
      else store.close();
      writable?.close();
    }
  },
};

/** Resolves on the first SIGINT or SIGTERM: the studio then stops cleanly. */
function untilInterrupted(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
