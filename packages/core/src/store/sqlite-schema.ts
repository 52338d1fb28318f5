import type { DatabaseSync } from 'node:sqlite';
import { CheckpointError } from './checkpoint-error';
import {
  agentThreadsSchemaVersion,
  backfillEffectLog,
  effectLogByTenant,
  effectLogSchema,
  runLogSchemaVersion,
  upgradeEffectLogIndexes,
} from './sqlite-run-log';
import { backfillWakeups, wakeupsSchemaVersion } from './sqlite-wakeups-backfill';

/**
 * The schema this code writes; stored in the `meta` table. Version 2 added the `leases`
 * table: a version-1 agentchart would ignore leases, so it must not open a version-2 file.
 * Version 3 added the `wakeups` table (a waiting thread's next wake time, indexed, for
 * schedulers), filled for the waiting threads when an older file is upgraded, and an index
 * of threads by status and age (for listing and retention).
 * Version 4 added the run log (`effect_log`), filled from the journal when a file is
 * upgraded: an older agentchart would write journal rows without their log rows.
 * Version 5 indexes the run log by agent per thread (`effect_log_agents`, kept by triggers)
 * instead of per row, and drops its index by time: an older agentchart would query the agent
 * index that is gone, and a version-4 file is upgraded by filling the table from its log.
 */
export const schemaVersion = 5;

/** The oldest schema this code reads (read-only opens read version 1 as it is). */
export const oldestReadableSchema = 1;

/** SQLite's `application_id` of an agentchart database: "ACHT". */
export const agentchartApplicationId = 0x41_43_48_54;

/** Tables agentchart creates in a run database (the response cache shares the file). */
const agentchartTables = new Set([
  'meta',
  'threads',
  'checkpoints',
  'effects',
  'leases',
  'wakeups',
  'effect_log',
  'effect_log_agents',
  'response_cache',
]);

/**
 * Threads by status and age, for listing, retention and the scheduler's waiting threads. It
 * leaves out running threads: a running thread's head row changes with every checkpoint, and
 * indexing it would rewrite an index page in every commit. Listing the running threads (after
 * a restart) reads the table, as listing every thread does.
 */
const threadsByStatus =
  "CREATE INDEX IF NOT EXISTS threads_by_status ON threads (status, updated_at) WHERE status <> 'running'";

/**
 * Indexes whose definition changed without a new schema version: SQLite keeps an index up to
 * date whatever its definition, and a query reads the same rows with or without it, so an
 * older agentchart of the same schema version reads and writes a file with either. A file
 * opened for writing is given the current definitions (see {@link migrate}).
 */
const redefinedIndexes = [
  { name: 'threads_by_status', create: threadsByStatus },
  { name: 'effect_log_by_tenant', create: effectLogByTenant },
];

/*
 * `checkpoints` is a rowid table with its key as a unique index: each row is appended where
 * the table ends, and only the index's small entry goes where its thread's rows are. Files
 * created before keep the table they have (WITHOUT ROWID, keyed by the same columns): every
 * statement reads and writes both alike, so neither needs a migration, only a new file gets
 * the cheaper shape (a step rewrote ~3.7 pages of the clustered table, ~2.8 of these two).
 */
const schema = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
CREATE TABLE IF NOT EXISTS threads (
  thread_id TEXT PRIMARY KEY,
  version INTEGER NOT NULL,
  owner TEXT,
  status TEXT NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS checkpoints (
  thread_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  machine_version TEXT NOT NULL,
  status TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  owner TEXT,
  encoding TEXT NOT NULL,
  state TEXT NOT NULL,
  UNIQUE (thread_id, version)
) STRICT;
CREATE TABLE IF NOT EXISTS effects (
  seq INTEGER PRIMARY KEY,
  thread_id TEXT NOT NULL,
  key TEXT NOT NULL,
  site TEXT NOT NULL,
  kind TEXT NOT NULL,
  effect TEXT NOT NULL,
  name TEXT NOT NULL,
  status TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  finished_at INTEGER,
  input TEXT,
  output TEXT,
  error TEXT,
  meta TEXT,
  UNIQUE (thread_id, key)
) STRICT;
CREATE TABLE IF NOT EXISTS leases (
  thread_id TEXT PRIMARY KEY,
  owner TEXT NOT NULL,
  expires_at REAL NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS wakeups (
  thread_id TEXT PRIMARY KEY,
  wake_at REAL NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS wakeups_by_time ON wakeups (wake_at);
${threadsByStatus};
${effectLogSchema}`;

/** What an opened SQLite file holds, as far as agentchart is concerned. */
export type DatabaseContents =
  | { kind: 'empty' }
  | { kind: 'agentchart'; version: number | undefined }
  | { kind: 'foreign'; tables: string[]; applicationId: number };

/**
 * Tells an empty file, an agentchart database and someone else's apart, by reading only:
 * an agentchart database carries agentchart's `application_id`, or (written before it did)
 * holds only agentchart's tables with a schema version in `meta`.
 */
export function inspectDatabase(db: DatabaseSync): DatabaseContents {
  const applicationId = Number(
    (db.prepare('PRAGMA application_id').get() as { application_id: number }).application_id,
  );
  const tables = (
    db
      .prepare(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
      )
      .all() as { name: string }[]
  ).map((row) => row.name);
  const ours = applicationId === agentchartApplicationId;
  if (!ours && (applicationId !== 0 || tables.some((name) => !agentchartTables.has(name)))) {
    return { kind: 'foreign', tables, applicationId };
  }
  if (tables.length === 0)
    return ours ? { kind: 'agentchart', version: undefined } : { kind: 'empty' };
  if (!tables.includes('meta')) {
    // Only the response cache's table, or tables of an interrupted first open.
    return { kind: 'agentchart', version: undefined };
  }
  const version = readSchemaVersion(db);
  if (version !== 'unreadable') return { kind: 'agentchart', version };
  if (!ours) return { kind: 'foreign', tables, applicationId };
  return { kind: 'agentchart', version: Number.NaN };
}

/** The schema version in `meta`; `unreadable` when `meta` is not shaped as ours. */
function readSchemaVersion(db: DatabaseSync): number | undefined | 'unreadable' {
  let row: { value: unknown } | undefined;
  try {
    row = db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as
      | { value: unknown }
      | undefined;
  } catch (error) {
    // SQLITE_ERROR ("no such column"): a `meta` table of another shape. Anything else, such
    // as corruption, is SQLite's verdict on the file and goes up as it is.
    if ((((error as { errcode?: number }).errcode ?? 0) & 0xff) === 1) return 'unreadable';
    throw error;
  }
  if (!row) return undefined;
  const version = Number(row.value);
  return Number.isInteger(version) ? version : 'unreadable';
}

/** Refuses a file that is not agentchart's, before anything is written to it. */
export function assertAgentchartDatabase(path: string, contents: DatabaseContents): void {
  if (contents.kind !== 'foreign') return;
  const { tables, applicationId } = contents;
  const listed = tables.slice(0, 5).join(', ') + (tables.length > 5 ? ', …' : '');
  const marker =
    applicationId !== 0
      ? `its application id is 0x${applicationId.toString(16)}, another program's`
      : `it has tables (${listed}) and no agentchart schema`;
  throw new CheckpointError(
    'checkpoint.foreign_database',
    '',
    `${path} is an SQLite database, but not agentchart's: ${marker}. agentchart has not changed it. Give the checkpointer a file of its own (e.g. .agentchart/runs.db); several agents can share that one.`,
  );
}

/** Refuses a schema version this code cannot read (or, to write, cannot migrate from). */
export function assertSchemaVersion(path: string, version: number | undefined): void {
  if (version === undefined) return;
  if (version >= oldestReadableSchema && version <= schemaVersion) return;
  if (Number.isNaN(version)) {
    throw new CheckpointError(
      'checkpoint.corrupt',
      '',
      `The checkpoint database ${path} is agentchart's, but its schema version in table meta cannot be read. agentchart has not written to it. Restore the file from a backup; a newer agentchart may also have written it.`,
    );
  }
  throw new CheckpointError(
    'checkpoint.unsupported_schema',
    '',
    `The checkpoint database ${path} has schema version ${version}, and this @agentchart/core reads versions ${oldestReadableSchema} to ${schemaVersion}. It was written by a ${version > schemaVersion ? 'newer' : 'older'} agentchart: use that version, or a database file of its own.`,
  );
}

/**
 * Creates or upgrades the schema in one transaction, and marks the file as agentchart's.
 * The file is inspected again inside the transaction: another process may have created it.
 */
export function migrate(db: DatabaseSync, path: string): void {
  db.exec('BEGIN IMMEDIATE');
  try {
    const contents = inspectDatabase(db);
    assertAgentchartDatabase(path, contents);
    if (contents.kind === 'agentchart') assertSchemaVersion(path, contents.version);
    const current = contents.kind === 'agentchart' ? contents.version : undefined;
    if (current !== schemaVersion) {
      db.exec(schema);
      if (current !== undefined && current < runLogSchemaVersion) backfillEffectLog(db);
      if (current !== undefined && current < agentThreadsSchemaVersion) {
        upgradeEffectLogIndexes(db);
      }
      if (current !== undefined && current < wakeupsSchemaVersion) backfillWakeups(db);
      db.prepare(
        "INSERT INTO meta (key, value) VALUES ('schema_version', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      ).run(String(schemaVersion));
    }
    redefineIndexes(db);
    const applicationId = (db.prepare('PRAGMA application_id').get() as { application_id: number })
      .application_id;
    if (Number(applicationId) !== agentchartApplicationId) {
      db.exec(`PRAGMA application_id = ${agentchartApplicationId}`);
    }
    db.exec('COMMIT');
  } catch (error) {
    rollbackQuietly(db);
    throw error;
  }
}

/** Replaces an index created with an older definition (see `redefinedIndexes`). */
function redefineIndexes(db: DatabaseSync): void {
  const stored = new Map(
    (
      db
        .prepare(
          "SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND name IN (SELECT value FROM json_each(?))",
        )
        .all(JSON.stringify(redefinedIndexes.map((index) => index.name))) as {
        name: string;
        sql: string;
      }[]
    ).map((row) => [row.name, row.sql]),
  );
  for (const { name, create } of redefinedIndexes) {
    // SQLite stores the statement without its IF NOT EXISTS.
    if (stored.get(name) === create.replace(' IF NOT EXISTS', '')) continue;
    db.exec(`DROP INDEX IF EXISTS ${name}`);
    db.exec(create);
  }
}

/**
 * Rolls back the open transaction, if any, without masking the error that ended it: SQLite
 * rolls back by itself on some errors (a full disk), and a second ROLLBACK would throw "no
 * transaction is active"; a ROLLBACK that fails on a failing disk says less than the first error.
 */
export function rollbackQuietly(db: DatabaseSync): void {
  try {
    if (db.isTransaction) db.exec('ROLLBACK');
  } catch {
    // The first error is the one to report; SQLite rolls back a transaction it cannot finish.
  }
}
