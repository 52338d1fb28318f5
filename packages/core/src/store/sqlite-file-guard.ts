import { type BigIntStats, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { StorageError } from './storage-error';

interface FileIdentity {
  dev: bigint;
  ino: bigint;
}

function identityOf(path: string): FileIdentity | undefined {
  let stats: BigIntStats | undefined;
  try {
    stats = statSync(path, { bigint: true, throwIfNoEntry: false });
  } catch {
    // A folder that cannot be searched any more: judged as missing below, like a deleted file.
    return undefined;
  }
  return stats && { dev: stats.dev, ino: stats.ino };
}

const same = (a: FileIdentity, b: FileIdentity) => a.dev === b.dev && a.ino === b.ino;

/**
 * A check, run before each write transaction, that the database file and its write-ahead
 * log are still the files the connection opened. SQLite keeps writing to a file deleted,
 * renamed or replaced under an open connection (it checks this only for rollback journals,
 * not in WAL mode): every commit succeeds into a file no other process can see, and all of it
 * vanishes when the process exits — runs would report `done` while nothing of them is kept.
 * The check costs one `stat` per file per group commit. Returns undefined where there is no
 * file to watch (an in-memory database) or the platform gives files no identity.
 */
export function databaseFileGuard(opened: string): (() => void) | undefined {
  if (opened === '' || opened === ':memory:' || opened.startsWith('file:')) return undefined;
  // The file SQLite opened: a later chdir of the process must not look like a move.
  const path = resolve(opened);
  const database = identityOf(path);
  if (database === undefined || database.ino === 0n) return undefined;
  const walPath = `${path}-wal`;
  // Opening a WAL database makes its log, but another connection may be mid-way: learn the
  // log's identity the first time it is seen.
  let wal = identityOf(walPath);
  return () => {
    const now = identityOf(path);
    if (now === undefined || !same(now, database)) throw moved(opened, path, now !== undefined);
    const log = identityOf(walPath);
    if (wal === undefined) {
      wal = log;
      return;
    }
    if (log === undefined || !same(log, wal)) {
      throw moved(opened, walPath, log !== undefined, anotherSqlite);
    }
  };
}

/**
 * The usual way a log goes without anyone deleting it: SQLite deletes the log when its last
 * connection to the file closes, and a connection of another copy of SQLite in the same
 * process (better-sqlite3 beside `node:sqlite`) cannot see this store's, so it takes itself
 * for the last.
 */
const anotherSqlite =
  ' If this process opens the database with another SQLite library (better-sqlite3, for one) and closed that connection, that is what deleted the log: read the database through this store, or from another process.';

function moved(path: string, file: string, replaced: boolean, cause = ''): StorageError {
  const what = replaced ? 'replaced by another file' : 'deleted or moved';
  return new StorageError(
    'storage.moved',
    path,
    `${file} was ${what} while this store had the database open, so this write was refused: it would have gone into a file no other process can see, and been lost when this one exits. Nothing was written after it went; what was committed before is in the file the store opened: moved, it is at its new place; deleted, it is lost when this process exits. Put the database back at ${path} (or restore a backup), then open a new SqliteCheckpointer on it and resume the thread.${cause}`,
  );
}
