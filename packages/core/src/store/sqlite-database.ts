import { closeSync, existsSync, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import { DefinitionError } from '../errors/definition-error';
import { CheckpointError } from './checkpoint-error';

/** The schema this code reads and writes; stored in the `meta` table. */
export const schemaVersion = 1;

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
  PRIMARY KEY (thread_id, version)
) STRICT, WITHOUT ROWID;
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
`;

/** How a commit reaches the disk. */
export type SqliteSynchronous = 'full' | 'normal';

/** Options of {@link openCheckpointDatabase}. */
export interface OpenDatabaseOptions {
  path: string;
  synchronous: SqliteSynchronous;
  busyTimeoutMs: number;
  /** Run SQLite's `quick_check` over the whole file when opening. */
  verify: boolean;
}

/**
 * Opens (and creates when absent) a checkpoint database: WAL journal, the chosen sync level,
 * a busy timeout so two processes queue instead of failing, and the schema. A file that is
 * not a database, is truncated or fails its check is refused with `checkpoint.corrupt`.
 */
export function openCheckpointDatabase({
  path,
  synchronous,
  busyTimeoutMs,
  verify,
}: OpenDatabaseOptions): DatabaseSync {
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
      `This Node.js (${process.version}) has no node:sqlite module; the SQLite checkpointer needs Node.js 22.13 or newer (24 recommended). Use MemoryCheckpointer, or upgrade Node.`,
    );
  }
  const inMemory = path === ':memory:' || path === '';
  if (!inMemory) {
    mkdirSync(dirname(path), { recursive: true });
    assertNotTruncated(path);
  }
  return guardDatabase(path, () => {
    const db = new sqlite.DatabaseSync(path, { timeout: busyTimeoutMs });
    try {
      db.exec(`PRAGMA journal_mode = WAL; PRAGMA synchronous = ${synchronous.toUpperCase()};`);
      if (verify && !inMemory) {
        const result = db.prepare('PRAGMA quick_check').all() as { quick_check: string }[];
        const problems = result.map((row) => row.quick_check).filter((line) => line !== 'ok');
        if (problems.length > 0) {
          throw new CheckpointError(
            'checkpoint.corrupt',
            '',
            corruptMessage(path, problems.slice(0, 3).join('; ')),
          );
        }
      }
      migrate(db, path);
      return db;
    } catch (error) {
      db.close();
      throw error;
    }
  });
}

function migrate(db: DatabaseSync, path: string): void {
  db.exec('BEGIN IMMEDIATE');
  try {
    db.exec(schema);
    const row = db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as
      | { value: string }
      | undefined;
    if (!row) {
      db.prepare("INSERT INTO meta (key, value) VALUES ('schema_version', ?)").run(
        String(schemaVersion),
      );
    } else if (Number(row.value) !== schemaVersion) {
      throw new CheckpointError(
        'checkpoint.unsupported_schema',
        '',
        `The checkpoint database ${path} has schema version ${row.value}, and this @agentchart/core reads version ${schemaVersion}. It was written by a ${Number(row.value) > schemaVersion ? 'newer' : 'older'} agentchart: use that version, or a database file of its own.`,
      );
    }
    db.exec('COMMIT');
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  }
}

/**
 * A database shorter than its header says was cut off (a failed copy, a full disk); SQLite
 * itself would only notice when it reads a missing page. The header is the file's first
 * 100 bytes: page size at offset 16, page count at 28.
 */
function assertNotTruncated(path: string): void {
  if (!existsSync(path)) return;
  const size = statSync(path).size;
  if (size === 0) return;
  const header = Buffer.alloc(100);
  const fd = openSync(path, 'r');
  let read: number;
  try {
    read = readSync(fd, header, 0, 100, 0);
  } finally {
    closeSync(fd);
  }
  if (read < 100 || header.toString('latin1', 0, 16) !== 'SQLite format 3\u0000') {
    throw new CheckpointError(
      'checkpoint.corrupt',
      '',
      corruptMessage(path, 'the file is not an SQLite database (its header is missing)'),
    );
  }
  const rawPageSize = header.readUInt16BE(16);
  const pageSize = rawPageSize === 1 ? 65_536 : rawPageSize;
  const pages = header.readUInt32BE(28);
  if (pages > 0 && size < pages * pageSize) {
    throw new CheckpointError(
      'checkpoint.corrupt',
      '',
      corruptMessage(
        path,
        `the file is truncated: ${size} bytes, but its header counts ${pages} pages of ${pageSize} bytes`,
      ),
    );
  }
}

const corruptCodes = new Set([11 /* SQLITE_CORRUPT */, 26 /* SQLITE_NOTADB */]);

/** Runs `action`, turning SQLite's corruption errors into `checkpoint.corrupt`. */
export function guardDatabase<T>(path: string, action: () => T, threadId = ''): T {
  try {
    return action();
  } catch (error) {
    const code = (error as { errcode?: number }).errcode;
    if (code !== undefined && corruptCodes.has(code & 0xff)) {
      throw new CheckpointError(
        'checkpoint.corrupt',
        threadId,
        corruptMessage(path, (error as Error).message),
        error,
      );
    }
    throw error;
  }
}

function corruptMessage(path: string, reason: string): string {
  return `The checkpoint database ${path} is corrupt or truncated (${reason}). Runs stored in it cannot be read. Restore it from a backup, or move it aside to start a new one; \`sqlite3 ${path} .recover\` may salvage readable rows.`;
}
