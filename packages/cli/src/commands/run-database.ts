import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Checkpointer, SqliteCheckpointer } from '@agentchart/core';
import { CliError } from '../cli-error';
import { shellWord } from '../shell-word';
import { loadPostgres } from './load-postgres';
import type { CommandContext } from './types';

/** Where every command looks when neither `--db` nor `AGENTCHART_DB` names a database. */
export const defaultDatabase = '.agentchart/runs.db';

/** The environment variable every command reads the run database from when `--db` is absent. */
export const databaseVariable = 'AGENTCHART_DB';

/** The environment variable commands read the PostgreSQL schema from when `--schema` is absent. */
export const schemaVariable = 'AGENTCHART_SCHEMA';

/** The environment variable `worker` reads the job queue's schema from when `--job-schema` is absent. */
export const jobSchemaVariable = 'AGENTCHART_JOB_SCHEMA';

/** A run database as the user named it, and how it was named. */
export type RunDatabase = (
  | { kind: 'sqlite'; path: string }
  | {
      kind: 'postgres';
      connectionString: string;
      /** The schema of agentchart's tables (`PostgresCheckpointer`'s `schema`); absent: public. */
      schema?: string;
      /** Whether `schema` came from `--schema`, to repeat it in commands we print. */
      schemaFromFlag?: boolean;
    }
) & {
  /** Where the name came from: `--db`, `AGENTCHART_DB`, or the default path. */
  source: 'flag' | 'env' | 'default';
  /** What the user typed (or the default), to repeat in commands we print. */
  given: string;
};

const postgresUrl = /^postgres(?:ql)?:\/\//i;

/** A schema named by a flag, else by its environment variable; an empty name is refused. */
function namedSchema(
  flag: string | undefined,
  option: string,
  variable: string,
  context: CommandContext,
): string | undefined {
  const fromEnv = context.env?.[variable];
  const given = flag ?? (fromEnv === '' ? undefined : fromEnv);
  if (given !== undefined && given.trim() === '') {
    throw new CliError(
      'cli.usage',
      `${flag === undefined ? `${variable}` : option} is empty. Name a schema, such as ops, or leave it out for the default.`,
    );
  }
  return given;
}

/**
 * The job queue's schema for `worker`: `--job-schema <name>`, else `AGENTCHART_JOB_SCHEMA`,
 * else undefined (the worker's default, `agentchart_jobs`).
 */
export function resolveJobSchema(
  flag: string | undefined,
  context: CommandContext,
): string | undefined {
  return namedSchema(flag, '--job-schema', jobSchemaVariable, context);
}

/**
 * Finds the run database the same way in every command: `--db <file|url>`, else the
 * `AGENTCHART_DB` environment variable, else `.agentchart/runs.db` in the working directory.
 * A `postgres://` or `postgresql://` URL names a PostgreSQL database; anything else a file.
 * On PostgreSQL, agentchart's tables are in the schema `--schema <name>` names, else
 * `AGENTCHART_SCHEMA`, else public; `--schema` with a file is a usage error.
 */
export function resolveDatabase(
  flag: string | undefined,
  context: CommandContext,
  schemaFlag?: string,
): RunDatabase {
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
  if (postgresUrl.test(given)) {
    const schema = namedSchema(schemaFlag, '--schema', schemaVariable, context);
    return {
      kind: 'postgres',
      connectionString: given,
      ...(schema === undefined ? {} : { schema, schemaFromFlag: schemaFlag !== undefined }),
      source,
      given,
    };
  }
  if (schemaFlag !== undefined) {
    // An SQLite file has no schemas: the flag would be ignored, and the file read.
    throw new CliError(
      'cli.usage',
      `--schema names a PostgreSQL schema, and the run database ${given} is an SQLite file. Leave --schema out, or give a postgres:// URL.`,
    );
  }
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
  const schema = database.schema === undefined ? '' : ` (schema ${database.schema})`;
  try {
    const url = new URL(database.connectionString);
    if (url.password) url.password = '***';
    return `${url.toString()}${schema}`;
  } catch {
    return `the PostgreSQL database${schema}`;
  }
}

/** The `--db …` words to repeat in a command we suggest, when the default would not find it. */
export function databaseArgument(database: RunDatabase): string {
  const schema =
    database.kind === 'postgres' && database.schema !== undefined && database.schemaFromFlag
      ? ` --schema ${shellWord(database.schema)}`
      : '';
  return `${database.source === 'flag' ? ` --db ${shellWord(database.given)}` : ''}${schema}`;
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
 * for a typo), and a PostgreSQL database or schema without agentchart's tables fails with
 * `storage.not_found` instead of having them created; otherwise either is created.
 */
export async function openRunDatabase(
  database: RunDatabase,
  { command, mustExist }: { command: string; mustExist: boolean },
): Promise<OpenedStore> {
  // A command that needs a run database there creates nothing in one that has none.
  if (database.kind === 'postgres') return openPostgres(database, { createTables: !mustExist });
  const { path } = database;
  if (mustExist && !existsSync(path)) {
    throw new CliError(
      'cli.file_not_found',
      `No run database at ${path}${database.source === 'default' ? ` (the default; set --db or ${databaseVariable})` : ''}. Pass the file agents checkpoint to with --db or ${databaseVariable} (the demo writes examples/tender-pipeline/.agentchart/runs.db). Run "agentchart ${command} --help" for its usage.`,
    );
  }
  if (mustExist) assertNotEmptyFile(path, command);
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
  { createTables }: { createTables: boolean },
): Promise<OpenedStore> {
  const module = await loadPostgres(`${describeDatabase(database)}, a PostgreSQL database,`);
  const checkpointer = new module.PostgresCheckpointer({
    connectionString: database.connectionString,
    ...(database.schema === undefined ? {} : { schema: database.schema }),
    createTables,
  });
  return { checkpointer, database, close: () => checkpointer.close() };
}

/** Where the commands have always imported it from; the studio's page imports it from its own module. */
export { shellWord };

/**
 * Refuses an empty file (a mistyped path an editor created, a truncated copy) as the run
 * database of a command that needs one there: opened to write, one would be made in it and
 * the command say "nothing pending"; opened to read, it failed unlike a missing file.
 */
export function assertNotEmptyFile(path: string, command: string): void {
  const size = (file: string) => (existsSync(file) ? statSync(file).size : 0);
  if (!existsSync(path) || !statSync(path).isFile()) return;
  if (size(path) > 0 || size(`${path}-wal`) > 0) return;
  throw new CliError(
    'cli.file_not_found',
    `${path} is an empty file, not a run database. Pass the file agents checkpoint to with --db or ${databaseVariable}. Run "agentchart ${command} --help" for its usage.`,
  );
}
