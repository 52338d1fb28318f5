import { accessSync, constants, statfsSync, statSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { CheckpointError } from './checkpoint-error';
import { StorageError } from './storage-error';

/** What a store was doing when SQLite or the file system failed, for the error's message. */
export interface FailureContext {
  /** The database file. */
  path: string;
  /** The thread concerned; empty when the whole store is. */
  threadId?: string;
  /** What was being done, as a phrase: `saving checkpoint 4 of thread "t"`. */
  doing: string;
}

// SQLite's primary result codes (the low byte of an extended code).
const SQLITE_READONLY = 8;
const SQLITE_IOERR = 10;
const SQLITE_CORRUPT = 11;
const SQLITE_FULL = 13;
const SQLITE_CANTOPEN = 14;
const SQLITE_NOTADB = 26;

/** Below this much free space, an I/O error is taken for a full disk. */
const nearlyFull = 1024 * 1024;

/**
 * The typed error for a failure of SQLite or of the file system under a store: corruption
 * SQLite reports becomes `checkpoint.corrupt`; a full disk, a read-only file or mount, a
 * permission problem or an I/O error become a {@link StorageError} saying what to do.
 * Anything else (a programming error, a conflict) is returned as it is.
 */
export function toStoreError(error: unknown, context: FailureContext): unknown {
  if (CheckpointError.isInstance(error) || StorageError.isInstance(error)) return error;
  const sqliteCode = (error as { errcode?: unknown }).errcode;
  if (typeof sqliteCode === 'number') return fromSqlite(error as Error, sqliteCode & 0xff, context);
  const errno = (error as NodeJS.ErrnoException).code;
  if (typeof errno === 'string') return fromErrno(error as NodeJS.ErrnoException, errno, context);
  return error;
}

function fromSqlite(error: Error, code: number, context: FailureContext): unknown {
  const { path } = context;
  const reason = (error as { errstr?: string }).errstr ?? error.message;
  switch (code) {
    case SQLITE_NOTADB:
      return new CheckpointError(
        'checkpoint.corrupt',
        context.threadId ?? '',
        `${path} is not an SQLite database (${reason}): its first bytes are not SQLite's header, and nothing was written to it now. If it is another program's file, give the checkpointer a file of its own (e.g. .agentchart/runs.db); if it was an agentchart database whose start was overwritten, restore a backup, or ${recoverAdvice(path)}`,
        error,
      );
    case SQLITE_CORRUPT:
      return new CheckpointError(
        'checkpoint.corrupt',
        context.threadId ?? '',
        corruptMessage(path, reason),
        error,
      );
    case SQLITE_FULL:
      return fullError(reason, context, error);
    case SQLITE_IOERR:
      return freeBytes(path) < nearlyFull
        ? fullError(reason, context, error)
        : new StorageError(
            'storage.io_error',
            path,
            `Reading or writing ${path} failed with an I/O error (${reason}) while ${context.doing}; the write was not applied. The disk or its file system may be failing: check the system log (dmesg) and the disk, then try again.`,
            error,
          );
    case SQLITE_READONLY:
      return readOnlyError(reason, context, error);
    case SQLITE_CANTOPEN:
      return cannotOpenError(reason, context, error);
    default:
      return error;
  }
}

function fromErrno(error: NodeJS.ErrnoException, errno: string, context: FailureContext): unknown {
  // Node's message starts with the code already ("ENOTDIR: not a directory, mkdir …").
  const reason = error.message.startsWith(`${errno}:`)
    ? error.message
    : `${errno}: ${error.message}`;
  switch (errno) {
    case 'ENOSPC':
    case 'EDQUOT':
      return fullError(reason, context, error);
    case 'EROFS':
      return readOnlyError(reason, context, error);
    case 'EACCES':
    case 'EPERM':
      return cannotOpenError(reason, context, error);
    case 'ENOTDIR':
      return new StorageError(
        'storage.not_a_file',
        context.path,
        `${context.path} cannot be a database file: a part of its folder path is a file, not a folder (${reason}). Give a path whose folders are folders, e.g. .agentchart/runs.db.`,
        error,
      );
    case 'EIO':
      return new StorageError(
        'storage.io_error',
        context.path,
        `Reading or writing ${context.path} failed with an I/O error (${reason}) while ${context.doing}. The disk or its file system may be failing: check the system log (dmesg) and the disk, then try again.`,
        error,
      );
    default:
      return error;
  }
}

function fullError(reason: string, context: FailureContext, cause: unknown): StorageError {
  const { path, threadId } = context;
  const then = threadId
    ? `, and this write was not applied. Free space on that disk, then resume the thread (agent.resume("${threadId}")): it continues from its last checkpoint and journal.`
    : '. Free space on that disk, then try again.';
  return new StorageError(
    'storage.full',
    path,
    `The disk holding ${path} is full: ${context.doing} failed (${reason}; ${formatBytes(freeBytes(path))} free). Nothing stored is lost: the database keeps its last committed state${then}`,
    cause,
  );
}

function readOnlyError(reason: string, context: FailureContext, cause: unknown): StorageError {
  const { path } = context;
  const name = basename(path);
  return new StorageError(
    'storage.read_only',
    path,
    `${path} cannot be written (${reason}): ${context.doing} failed. The file or its folder is read-only for this process (user id ${process.getuid?.() ?? 'unknown'}), or its file system is mounted read-only. Give this user write access to the file and its folder (SQLite writes ${name}-wal and ${name}-shm beside it), or open it with { readOnly: true } to read it without writing.`,
    cause,
  );
}

function cannotOpenError(reason: string, context: FailureContext, cause: unknown): StorageError {
  const { path } = context;
  const notFile = notAFile(path);
  if (notFile) return new StorageError('storage.not_a_file', path, notFile, cause);
  // SQLite says only that it cannot open the file (a WAL database needs its -shm and -wal
  // beside it); the kernel tells a read-only mount, which binds root too, from a permission.
  if (onReadOnlyMount(path)) return readOnlyError(reason, context, cause);
  return new StorageError(
    'storage.permission_denied',
    path,
    `${path} cannot be opened (${reason}) while ${context.doing}: this process (user id ${process.getuid?.() ?? 'unknown'}) may not read or write it or its folder ${dirname(path)}. Give it access to both, or run as the user that owns them.`,
    cause,
  );
}

/** Whether the file, or the folder it would be created in, is on a file system mounted read-only. */
function onReadOnlyMount(path: string): boolean {
  for (const target of [path, dirname(path)]) {
    try {
      accessSync(target, constants.W_OK);
      return false;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EROFS') return true;
      // A file not there yet: its folder decides.
      if (code !== 'ENOENT') return false;
    }
  }
  return false;
}

/**
 * Why `path` cannot be a database file (a directory, a device, a pipe), or undefined when it
 * is a regular file or does not exist.
 */
export function notAFile(path: string): string | undefined {
  let stats: ReturnType<typeof statSync>;
  try {
    stats = statSync(path);
  } catch {
    return undefined;
  }
  if (stats.isFile()) return undefined;
  if (stats.isDirectory()) {
    return `${path} is a directory, not a database file. Give the path of a file, e.g. ${path.replace(/\/+$/, '')}/runs.db.`;
  }
  const kind = stats.isCharacterDevice()
    ? 'a character device'
    : stats.isBlockDevice()
      ? 'a block device'
      : stats.isFIFO()
        ? 'a named pipe'
        : stats.isSocket()
          ? 'a socket'
          : 'not a regular file';
  return `${path} is ${kind}, not a database file: nothing stored there could be read back. Give the path of a regular file, e.g. .agentchart/runs.db.`;
}

/** The message of a `checkpoint.corrupt` that SQLite confirmed; it never advises deleting. */
export function corruptMessage(path: string, reason: string): string {
  const name = basename(path);
  return `SQLite reports the database ${path} as corrupt (${reason}); runs stored in it cannot be read, and nothing was written to it now. Keep the file and the ${name}-wal and ${name}-shm files beside it, if any: they hold its latest commits. Restore a backup, or ${recoverAdvice(path)}`;
}

/**
 * How to copy the rows SQLite can still read into a new file. `.recover` is the tool, but the
 * sqlite3 3.40 that Debian 12 ships writes a script that fails (its tables are never
 * created); there, `.dump` reads up to the damage, and its closing `ROLLBACK` is made a
 * `COMMIT` so what it read is kept.
 */
function recoverAdvice(path: string): string {
  return `copy the rows SQLite can still read into a new file and give the checkpointer that file: \`sqlite3 ${path} .recover | sqlite3 recovered.db\` with sqlite3 3.41 or later; with 3.40 (Debian 12), whose .recover writes nothing usable, \`sqlite3 ${path} .dump | sed 's/^ROLLBACK; -- due to errors$/COMMIT;/' | sqlite3 recovered.db\`.`;
}

function freeBytes(path: string): number {
  try {
    const stats = statfsSync(dirname(path));
    return stats.bavail * stats.bsize;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return 'unknown space';
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
