import { AgentchartError } from '../errors/agentchart-error';

/**
 * Ways the medium under a store can fail, each with its own remedy: the disk is full (free
 * space, then resume), the file cannot be written (permissions, a read-only mount, or a store
 * opened read-only), the path is not a regular file, there is no database at the path, it
 * cannot be opened for lack of permission, the disk reported an I/O error, or the file was
 * deleted, moved or replaced while the store had it open (its writes would be lost). A database
 * server adds two: it cannot be reached (refused, shut down, the connection lost) and a
 * statement outlasted its time limit (`statement_timeout`, `lock_timeout`).
 */
export type StorageErrorCode =
  | 'storage.full'
  | 'storage.read_only'
  | 'storage.not_a_file'
  | 'storage.not_found'
  | 'storage.permission_denied'
  | 'storage.io_error'
  | 'storage.moved'
  | 'storage.unavailable'
  | 'storage.timeout';

/**
 * The store's file or disk failed; the message says which file, what was being done, and
 * what to do. Nothing committed before is lost: a write that fails this way is not applied.
 */
export class StorageError extends AgentchartError<StorageErrorCode> {
  /** The database file, or the database server's address (without its password). */
  readonly path: string;

  constructor(code: StorageErrorCode, path: string, message: string, cause?: unknown) {
    super(code, { message, cause });
    this.path = path;
  }

  override toJSON() {
    return { ...super.toJSON(), path: this.path };
  }
}
