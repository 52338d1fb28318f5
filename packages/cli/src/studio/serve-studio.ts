import { resolve } from 'node:path';
import { readInspectionRecording } from '@agentchart/inspect';
import { CliError } from '../cli-error';
import { openStore } from '../commands/open-store';
import { type OpenedStore, openRunDatabase, resolveDatabase } from '../commands/run-database';
import type { CommandContext } from '../commands/types';
import { AgentCatalog } from './agent-catalog';
import { InspectorSessions } from './inspector-sessions';
import { journalRunSource } from './journal-run-source';
import { loadStudioModules } from './load-studio-modules';
import { type Studio, startStudio } from './start-studio';
import { loadStudioAssets } from './studio-assets';

/** Options of {@link serveStudio}. */
export interface ServeStudioOptions {
  /**
   * The run database: an existing SQLite file (opened read-only) or a `postgres://` URL,
   * found as every command finds it (`--db`, else `AGENTCHART_DB`, else the default path).
   */
  database?: string;
  /**
   * On PostgreSQL, the schema of agentchart's tables, as every command takes it (`--schema`,
   * else `AGENTCHART_SCHEMA`, else public).
   */
  schema?: string;
  /** Modules exporting the runs' agents, agent factories or machines. */
  modules?: readonly string[];
  /** Inspection recordings (JSON Lines) to show under Inspector. */
  recordings?: readonly string[];
  port?: number;
  /** Where relative paths are resolved and modules imported (the command's context). */
  context: CommandContext;
  pollMs?: number;
}

/** A studio serving a database, and the database it reads, as the user named it. */
export interface ServedStudio extends Studio {
  /** The database, for messages: a file's path or a URL with its password masked. */
  readonly database: string;
}

/**
 * `agentchart studio` without the terminal: opens the run database for reading, loads the
 * modules (charts, and agents to answer waits with — agent factories are created on their own
 * writable handle on the same database, as `agentchart send` does), replays the recordings
 * into the inspector view, and serves it all on loopback.
 */
export async function serveStudio({
  database,
  schema,
  modules = [],
  recordings = [],
  port = 4400,
  context,
  pollMs,
}: ServeStudioOptions): Promise<ServedStudio> {
  const { path, store, close: closeStore } = await openStore('studio', database, context, schema);
  let writable: Promise<OpenedStore> | undefined;
  const catalog = new AgentCatalog();
  const inspector = new InspectorSessions();
  try {
    const agents = await loadStudioModules({
      files: modules,
      catalog,
      context,
      openWritable: async () => {
        writable ??= openRunDatabase(resolveDatabase(database, context, schema), {
          command: 'studio',
          mustExist: true,
        });
        return (await writable).checkpointer;
      },
    });
    for (const file of recordings) {
      let messages: unknown[];
      try {
        messages = await readInspectionRecording(resolve(context.cwd, file));
      } catch (error) {
        throw new CliError(
          'cli.file_not_found',
          `Could not read the inspection recording ${file}: ${(error as Error).message}`,
          error,
        );
      }
      for (const message of messages) inspector.receive(message, file);
    }
    const studio = await startStudio({
      source: journalRunSource({ store, catalog, canReply: agents.size > 0 }),
      catalog,
      agents,
      inspector,
      assets: await loadStudioAssets(),
      port,
      ...(pollMs === undefined ? {} : { pollMs }),
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
    return {
      ...studio,
      database: path,
      async close() {
        await studio.close();
        await closeStore();
        await (await writable)?.close();
      },
    };
  } catch (error) {
    await closeStore();
    await (await writable?.catch(() => undefined))?.close();
    throw error;
  }
}
