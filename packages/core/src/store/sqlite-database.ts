import { closeSync, existsSync, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import { pathToFileURL } from 'node:url';
import { DefinitionError } from '../errors/definition-error';
import { CheckpointError } from './checkpoint-error';
import { corruptMessage, type FailureContext, notAFile, toStoreError } from './sqlite-errors';
import { bindsNumberedParameters } from './sqlite-numbered-parameters';
import {
  assertAgentchartDatabase,
  assertSchemaVersion,
  inspectDatabase,
  migrate,
  schemaVersion,
} from './sqlite-schema';
import { StorageError } from './storage-error';

export { schemaVersion };

/**
 * Bytes the write-ahead log grows to before a commit copies its pages into the database file,
 * by sync level. A durable step rewrites a dozen pages (its rows and their indexes), many of
 * them the same ones step after step; a checkpoint copies each page once, however often the
 * log holds it, and syncs the file twice. At `'normal'`, where commits do not sync, a log
 * four times SQLite's default (1,000 pages of 4 KB) pays those syncs a quarter as often per
 * step and copies fewer pages, for a log file of up to ~16 MB beside the database. At
 * `'full'` every commit syncs the log already and the longer log measured no faster, so the
 * default keeps SQLite's ~4 MB: less room a disk must keep free for it. When a commit is
 * durable does not change. SQLite counts the interval in pages of the file's own size.
 */
export const walCheckpointBytes: Readonly<Record<SqliteSynchronous, number>> = {
  full: 4_096_000,
  normal: 16_384_000,
};

/**
 * The page size of a new database file. A commit appends every page it changed to the log
 * whole, and a durable step changes about eight (its rows, each index's leaf, the thread's
 * head), most of them by a few dozen bytes: the pages' size, not the data, is most of what a
 * step writes, syncs and later copies back. At 2 KB a step writes 19 KB instead of 34 KB
 * (`probe:sqlite-steps`), and a row of up to ~2 KB (a model call's record) still fits in its
 * page. A file keeps the page size it was created with; SQLite reads any.
 */
export const newFilePageSize = 2_048;

/** How a commit reaches the disk. */
export type SqliteSynchronous = 'full' | 'normal';

/** Options of {@link openCheckpointDatabase}. */
export interface OpenDatabaseOptions {
  path: string;
  synchronous: SqliteSynchronous;
  busyTimeoutMs: number;
  /** Run SQLite's `quick_check` over the whole file when opening. */
  verify: boolean;
  /** Open without writing anything: no schema, no WAL switch, no migration. */
  readOnly: boolean;
}

/** An opened checkpoint database and the schema version its file has. */
export interface OpenedDatabase {
  db: DatabaseSync;
  /** The file's schema version: {@link schemaVersion} once opened for writing. */
  version: number;
}

/**
 * Opens (and, unless read-only, creates when absent) a checkpoint database: WAL journal,
 * the chosen sync level, a busy timeout so two processes queue instead of failing, and the
 * schema. SQLite opens the file first, so a WAL left by a crash is replayed before anything
 * is judged; a file is called corrupt only when SQLite says so. Someone else's database is
 * refused before anything is written to it; a full disk, a read-only file and a path that
 * is not a file fail with a {@link StorageError} that says what to do.
 */
export function openCheckpointDatabase({
  path,
  synchronous,
  busyTimeoutMs,
  verify,
  readOnly,
}: OpenDatabaseOptions): OpenedDatabase {
  if (synchronous !== 'full' && synchronous !== 'normal') {
    throw new DefinitionError(
      'definition.invalid_option',
      `SqliteCheckpointer: synchronous must be "full" or "normal", got ${JSON.stringify(synchronous)}.`,
    );
  }
  const sqlite = process.getBuiltinModule('node:sqlite');
  if (!sqlite) {
    throw new DefinitionError(
      'definition.invalid_option',
      `This Node.js (${process.version}) has no node:sqlite module; the SQLite checkpointer needs Node.js 22.20 or newer (24.7 or newer on 24, recommended). Use MemoryCheckpointer, or upgrade Node.`,
    );
  }
  if (!bindsNumberedParameters(sqlite)) {
    throw new DefinitionError(
      'definition.invalid_option',
      `This Node.js (${process.version}) binds SQLite's numbered parameters (?1) by name, so the SQLite checkpointer's statements fail; it needs Node.js 22.20 or newer (24.7 or newer on 24, recommended). Use MemoryCheckpointer, or upgrade Node.`,
    );
  }
  const inMemory = path === ':memory:' || path === '';
  const context: FailureContext = { path, doing: 'opening the database' };
  if (!inMemory) {
    const notFile = notAFile(path);
    if (notFile) throw new StorageError('storage.not_a_file', path, notFile);
    if (readOnly && !existsSync(path)) {
      throw new StorageError(
        'storage.not_found',
        path,
        `No database at ${path}, and a read-only store does not create one. Check the path, or open it without readOnly to start a new database there.`,
      );
    }
    if (!readOnly) guardDatabase(context, () => mkdirSync(dirname(path), { recursive: true }));
  }
  return guardDatabase(context, () => {
    const db = readOnly
      ? openReadOnly(sqlite, path, busyTimeoutMs)
      : new sqlite.DatabaseSync(path, { timeout: busyTimeoutMs });
    try {
      if (!inMemory) assertWhole(db, path, verify);
      const contents = inspectDatabase(db);
      assertAgentchartDatabase(path, contents);
      if (contents.kind === 'agentchart') assertSchemaVersion(path, contents.version);
      if (readOnly && contents.kind === 'empty') {
        throw new CheckpointError(
          'checkpoint.foreign_database',
          '',
          `${path} holds no agentchart database (it is empty). Check the path: agents write to the file given as SqliteCheckpointer({ path }).`,
        );
      }
      if (readOnly) {
        const version = contents.kind === 'agentchart' ? contents.version : undefined;
        return { db, version: version ?? schemaVersion };
      }
      // The page size takes effect only on a file with nothing in it yet (before WAL mode).
      db.exec(
        `PRAGMA page_size = ${newFilePageSize}; PRAGMA journal_mode = WAL; PRAGMA synchronous = ${synchronous.toUpperCase()};`,
      );
      const { page_size: pageSize } = db.prepare('PRAGMA page_size').get() as {
        page_size: number;
      };
      db.exec(
        `PRAGMA wal_autocheckpoint = ${Math.round(walCheckpointBytes[synchronous] / Number(pageSize))}`,
      );
      migrate(db, path);
      return { db, version: schemaVersion };
    } catch (error) {
      closeQuietly(db);
      throw error;
    }
  });
}

function closeQuietly(db: DatabaseSync): void {
  try {
    if (db.isOpen) db.close();
  } catch {
    // The error that made us close is the one to report.
  }
}

/**
 * Opens a file read-only. A WAL-mode database needs its `-shm` file, which a read-only
 * folder cannot get; when no WAL content is waiting to be replayed, the main file alone is
 * the whole database and is read as immutable.
 */
function openReadOnly(
  sqlite: typeof import('node:sqlite'),
  path: string,
  timeout: number,
): DatabaseSync {
  let db: DatabaseSync | undefined;
  try {
    db = new sqlite.DatabaseSync(path, { readOnly: true, timeout });
    // Opening is lazy: the first read is where a missing -shm fails.
    db.prepare('SELECT count(*) FROM sqlite_schema').get();
    return db;
  } catch (error) {
    if (db) closeQuietly(db);
    const code = ((error as { errcode?: number }).errcode ?? 0) & 0xff;
    const cannotShareMemory = code === 8 /* SQLITE_READONLY */ || code === 14; /* CANTOPEN */
    if (!cannotShareMemory) throw error;
    if (walBytes(path) > 0) {
      const name = basename(path);
      throw new StorageError(
        'storage.read_only',
        path,
        `${path} has commits in ${name}-wal that are not copied into it yet, and reading them needs ${name}-shm, which this process cannot create in ${dirname(path)}. Open the database once with write access to its folder (any agentchart or sqlite3 process that can write there replays the WAL), or copy the three files to a writable folder and read the copy.`,
        error,
      );
    }
    return new sqlite.DatabaseSync(`${pathToFileURL(path).href}?immutable=1`, {
      readOnly: true,
      timeout,
    });
  }
}

function walBytes(path: string): number {
  try {
    return statSync(`${path}-wal`).size;
  } catch {
    return 0;
  }
}

/**
 * Checks that the file is whole. A main file shorter than its header says is normal while
 * a WAL holds the pages a checkpoint has not copied yet (a checkpoint interrupted by a kill
 * or a full disk): SQLite, which has replayed the WAL by now, is the judge, through
 * `quick_check`, run only then (or when `verify` asks for it).
 */
function assertWhole(db: DatabaseSync, path: string, verify: boolean): void {
  const short = shortBy(path);
  if (!short && !verify) return;
  let problems: string[];
  try {
    const result = db.prepare('PRAGMA quick_check').all() as { quick_check: string }[];
    problems = result.map((row) => row.quick_check).filter((line) => line !== 'ok');
  } catch (error) {
    const code = ((error as { errcode?: number }).errcode ?? 0) & 0xff;
    // SQLITE_CORRUPT: the check could not even walk the file. Anything else is not a verdict.
    if (code !== 11) throw error;
    problems = [(error as Error).message];
  }
  if (problems.length === 0) return;
  const truncated = short ? `; the file is truncated: ${short}` : '';
  throw new CheckpointError(
    'checkpoint.corrupt',
    '',
    corruptMessage(path, `${problems.slice(0, 3).join('; ')}${truncated}`),
  );
}

/**
 * How the file falls short of the size its header gives, if it does. The header is the
 * first 100 bytes: page size at 16, change counter at 24, page count at 28, and at 92 the
 * change counter the page count is valid for (SQLite ignores a page count that is stale).
 */
function shortBy(path: string): string | undefined {
  const size = statSync(path).size;
  if (size < 100) return undefined;
  const header = Buffer.alloc(100);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, header, 0, 100, 0);
  } finally {
    closeSync(fd);
  }
  const rawPageSize = header.readUInt16BE(16);
  const pageSize = rawPageSize === 1 ? 65_536 : rawPageSize;
  const pages = header.readUInt32BE(28);
  const valid = header.readUInt32BE(24) === header.readUInt32BE(92);
  if (!valid || pages === 0 || size >= pages * pageSize) return undefined;
  return `${size} bytes, but its header counts ${pages} pages of ${pageSize} bytes`;
}

/**
 * Runs `action`, turning SQLite's and the file system's failures into typed errors:
 * corruption SQLite reports into `checkpoint.corrupt`, a full disk, a read-only file and
 * the like into a {@link StorageError} (see `toStoreError`).
 */
export function guardDatabase<T>(context: FailureContext, action: () => T): T {
  try {
    return action();
  } catch (error) {
    throw toStoreError(error, context);
  }
}
