import { type BigIntStats, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
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

/** A folder as one `stat` sees it: which folder, and when its entries last changed. */
interface FolderStamp extends FileIdentity {
  mtimeNs: bigint;
  ctimeNs: bigint;
}

function stampOf(path: string): FolderStamp | undefined {
  try {
    const stats = statSync(path, { bigint: true, throwIfNoEntry: false });
    return (
      stats && { dev: stats.dev, ino: stats.ino, mtimeNs: stats.mtimeNs, ctimeNs: stats.ctimeNs }
    );
  } catch {
    return undefined;
  }
}

const sameStamp = (a: FolderStamp, b: FolderStamp) =>
  same(a, b) && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs;

/** When a folder's entries or attributes last changed, in milliseconds since the epoch. */
function changedMsOf({ mtimeNs, ctimeNs }: FolderStamp): number {
  return Number((mtimeNs > ctimeNs ? mtimeNs : ctimeNs) / 1_000_000n);
}

/**
 * How long a folder must have been still before its modification time vouches for its
 * entries: longer than the coarsest timestamps of a common file system (FAT's 2 s), so a
 * change made right after the folder was looked at cannot carry the same time.
 */
const stillMs = 3_000;

/**
 * A check, run before each write transaction, that the database file and its write-ahead
 * log are still the files the connection opened. SQLite keeps writing to a file deleted,
 * renamed or replaced under an open connection (it checks this only for rollback journals,
 * not in WAL mode): every commit succeeds into a file no other process can see, and all of it
 * vanishes when the process exits — runs would report `done` while nothing of them is kept.
 *
 * Deleting, renaming or replacing either file changes their folder's entries, and so the
 * folder's modification time. Once the folder has been still for a few seconds, the check is
 * one `stat` of the folder per group commit; while it is changing (the log just made, another
 * file written beside them), and whenever it changed since, it is one `stat` per file. The
 * folder's time is trusted only once it is older than any timestamp a file system rounds to,
 * so a change made just after a look cannot pass for no change. Returns undefined where there
 * is no file to watch (an in-memory database) or the platform gives files no identity.
 * `now`: the wall clock file times are compared with (a test's, to skip the wait).
 */
export function databaseFileGuard(
  opened: string,
  { now = Date.now }: { now?: () => number } = {},
): (() => void) | undefined {
  if (opened === '' || opened === ':memory:' || opened.startsWith('file:')) return undefined;
  // The file SQLite opened: a later chdir of the process must not look like a move.
  const path = resolve(opened);
  const database = identityOf(path);
  if (database === undefined || database.ino === 0n) return undefined;
  const walPath = `${path}-wal`;
  // Opening a WAL database makes its log, but another connection may be mid-way: learn the
  // log's identity the first time it is seen.
  let wal = identityOf(walPath);
  const folder = dirname(path);
  /** The folder as last seen, once it had been still long enough to vouch for its entries. */
  let still: FolderStamp | undefined;
  /** When the folder was last looked at for that, so a busy folder costs a look a while. */
  let lookedAt = Number.NEGATIVE_INFINITY;
  const checkFiles = () => {
    const current = identityOf(path);
    if (current === undefined || !same(current, database)) {
      throw moved(opened, path, current !== undefined);
    }
    const log = identityOf(walPath);
    if (wal === undefined) {
      wal = log;
      return;
    }
    if (log === undefined || !same(log, wal)) {
      throw moved(opened, walPath, log !== undefined, anotherSqlite);
    }
  };
  return () => {
    if (still !== undefined) {
      const stamp = stampOf(folder);
      if (stamp !== undefined && sameStamp(stamp, still)) return;
      still = undefined;
    }
    checkFiles();
    // Looked at after the files: a change made in between leaves a time too recent to trust.
    const time = now();
    if (time - lookedAt < stillMs) return;
    lookedAt = time;
    const stamp = stampOf(folder);
    if (stamp !== undefined && changedMsOf(stamp) < time - stillMs) still = stamp;
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
