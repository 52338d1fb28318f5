import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Checkpointer, SqliteCheckpointer } from '@agentchart/core';
import { CliError } from '../cli-error';
import type { CommandContext } from './types';

/** Where every command looks when neither `--db` nor `AGENTCHART_DB` names a database. */
export const defaultDatabase = '.agentchart/runs.db';

/** The environment variable every command reads the run database from when `--db` is absent. */
export const databaseVariable = 'AGENTCHART_DB';

/** A run database as the user named it, and how it was named. */
export type RunDatabase = (
  | { kind: 'sqlite'; path: string }
  | { kind: 'postgres'; connectionString: string }
) & {
  /** Where the name came from: `--db`, `AGENTCHART_DB`, or the default path. */
  source: 'flag' | 'env' | 'default';
  /** What the user typed (or the default), to repeat in commands we print. */
  given: string;
};

const postgresUrl = /^postgres(?:ql)?:\/\//i;

/**
 * Finds the run database the same way in every command: `--db <file|url>`, else the
 * `AGENTCHART_DB` environment variable, else `.agentchart/runs.db` in the working directory.
 * A `postgres://` or `postgresql://` URL names a PostgreSQL database; anything else a file.
 */
export function resolveDatabase(flag: string | undefined, context: CommandContext): RunDatabase {
  const fromEnv = context.env?.[databaseVariable];
  const [given, source] =
    flag !== undefined
      ? [flag, 'flag' as const]
      : fromEnv
        ? [fromEnv, 'env' as const]
        : [defaultDatabase, 'default' as const];
  if (given.trim() === '') {
    throw new CliError(
      'cli.usage',
      `The run database is empty (${source === 'flag' ? '--db ""' : `${databaseVariable}=""`}). Give a file path or a postgres:// URL.`,
    );
  }
  if (postgresUrl.test(given)) return { kind: 'postgres', connectionString: given, source, given };
  // `postgres:localhost/db` (no `//`), or another database's URL: as a file path it made an
  // SQLite file of that name in the working directory and ran there.
  const scheme = /^([a-z][a-z0-9+.-]+):/i.exec(given)?.[1];
  if (scheme && !/^[a-z]$/i.test(scheme)) {
    throw new CliError(
      'cli.usage',
      `The run database "${given}" looks like a URL, but only postgres:// and postgresql:// URLs name a database; anything else is a file path. Write postgres://host/db (with the two slashes), or a file path such as .agentchart/runs.db.`,
    );
  }
  return { kind: 'sqlite', path: resolve(context.cwd, given), source, given };
}

/** The database for messages: a file's path, or a URL with its password masked. */
export function describeDatabase(database: RunDatabase): string {
  if (database.kind === 'sqlite') return database.path;
  try {
    const url = new URL(database.connectionString);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return 'the PostgreSQL database';
  }
}

/** The `--db …` words to repeat in a command we suggest, when the default would not find it. */
export function databaseArgument(database: RunDatabase): string {
  return database.source === 'flag' ? ` --db ${shellWord(database.given)}` : '';
}

/** A store opened by a command; `close()` lets go of its file or pool. */
export interface OpenedStore {
  checkpointer: Checkpointer;
  database: RunDatabase;
  close(): Promise<void>;
}

/**
 * Opens the run database for a command that runs agents. With `mustExist` a missing SQLite
 * file is a usage error (opening it would create an empty one and then report "no thread"
 * for a typo); otherwise it is created.
 */
export async function openRunDatabase(
  database: RunDatabase,
  { command, mustExist }: { command: string; mustExist: boolean },
): Promise<OpenedStore> {
  if (database.kind === 'postgres') return openPostgres(database);
  const { path } = database;
  if (mustExist && !existsSync(path)) {
    throw new CliError(
      'cli.file_not_found',
      `No run database at ${path}${database.source === 'default' ? ` (the default; set --db or ${databaseVariable})` : ''}. Pass the file agents checkpoint to with --db or ${databaseVariable} (the demo writes examples/tender-pipeline/.agentchart/runs.db). Run "agentchart ${command} --help" for its usage.`,
    );
  }
  if (existsSync(path) && statSync(path).isDirectory()) {
    throw new CliError(
      'cli.usage',
      `${path} is a directory; the run database is a file (e.g. ${path}/runs.db).`,
    );
  }
  try {
    const checkpointer = new SqliteCheckpointer({ path });
    return { checkpointer, database, close: async () => checkpointer.close() };
  } catch (error) {
    throw new CliError(
      'cli.store_failed',
      `Could not open the run database ${path}: ${(error as Error).message}`,
      error,
    );
  }
}

async function openPostgres(
  database: Extract<RunDatabase, { kind: 'postgres' }>,
): Promise<OpenedStore> {
  let module: typeof import('@agentchart/postgres');
  try {
    module = await import('@agentchart/postgres');
  } catch (error) {
    throw new CliError(
      'cli.store_failed',
      `${describeDatabase(database)} is a PostgreSQL database, and that needs the @agentchart/postgres package: install it beside agentchart (npm install @agentchart/postgres).`,
      error,
    );
  }
  const checkpointer = new module.PostgresCheckpointer({
    connectionString: database.connectionString,
  });
  return { checkpointer, database, close: () => checkpointer.close() };
}

/** Quotes a word for a POSIX shell when it needs it. */
export function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`;
}
