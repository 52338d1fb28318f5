import type { DatabaseSync } from 'node:sqlite';
import { rollbackQuietly } from './sqlite-schema';

/**
 * The most writes one transaction takes. A burst beyond it (thousands of runs starting, or
 * replied to, at once) commits in parts a turn of the event loop apart: in one transaction,
 * 5,000 runs' writes held the event loop for over two seconds, timers and sockets with it.
 */
export const maxWritesPerTransaction = 500;

/** What one write did, and what follows when its transaction commits or does not. */
export interface BatchedWrite<T> {
  value: T;
  /** Called once the write is durable (e.g. the delta chain remembers its new tail). */
  committed?: () => void;
  /** Called when the write did not reach the disk after all. */
  rolledBack?: () => void;
}

interface Job {
  /** Whether the write must survive a power loss when it resolves (an fsync, at `full`). */
  durable: boolean;
  write: () => BatchedWrite<unknown>;
  /** Turns an SQLite error into the store's error for this write. */
  failed: (error: unknown) => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: writes made together — every run's checkpoint and journal writes — share one
 * transaction, so a commit (and its fsync, at the default durability) is paid once for all of
 * them, not once each. A batch gathers every write queued during one turn of the event loop
 * (microtasks, timers and I/O callbacks) and commits once, at the end of the turn. That covers
 * runs writing concurrently, and a lone run's steps that follow each other within one turn (a
 * chain of idempotent tools that answer at once), which took a commit each while a lone run's
 * write was committed as soon as the microtasks queued before it had run. Each write runs
 * under its own savepoint: one that fails (a compare-and-set lost to another process, a
 * fenced journal write) is undone alone and rejects its own caller only. A write's promise
 * resolves once the transaction holding it has committed.
 */
export class SqliteWriteBatch {
  #jobs: Job[] = [];
  #scheduled = false;

  /**
   * @param db the connection.
   * @param run runs one of the transaction-control statements (prepared once by the store).
   * @param relax when commits are fsynced: turns that off (true) for a transaction with no
   *   durable write, and back on (false) after it.
   * @param check runs before each transaction; what it throws fails the whole batch, with
   *   nothing written (the database file was deleted under the connection, say).
   */
  constructor(
    private readonly db: DatabaseSync,
    private readonly run: (statement: TransactionStatement) => void,
    private readonly relax?: (relaxed: boolean) => void,
    private readonly check?: () => void,
  ) {}

  /**
   * Queues `write` for the next transaction; resolves with its value once
   * committed. A transaction whose writes are none of them `durable` commits without an fsync
   * (see `relax`).
   */
  enqueue<T>(
    write: () => BatchedWrite<T>,
    failed: (error: unknown) => unknown,
    durable = true,
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#jobs.push({
        durable,
        write,
        failed,
        resolve: resolve as (value: unknown) => void,
        reject,
      });
      if (this.#scheduled) return;
      this.#scheduled = true;
      // After the timers and I/O callbacks of this turn: their writes join this one.
      setImmediate(() => this.#flush());
    });
  }

  /**
   * Commits the writes queued so far now, instead of at the end of this microtask run or
   * turn: what a store does before it closes its connection, so no queued write is lost.
   */
  flushNow(): void {
    while (this.#jobs.length > 0) this.#flush();
  }

  /** Turns fsyncs back on after a relaxed transaction; a closed connection has none to restore. */
  #restoreSync(): void {
    if (this.db.isOpen) this.relax!(false);
  }

  #flush(): void {
    this.#scheduled = false;
    const jobs = this.#jobs.splice(0, maxWritesPerTransaction);
    if (jobs.length === 0) return;
    if (this.#jobs.length > 0) {
      // The rest in the next turn: what waits for this loop (timers, sockets) goes between.
      this.#scheduled = true;
      setImmediate(() => this.#flush());
    }
    const alone = jobs.length === 1;
    const done: { job: Job; result: BatchedWrite<unknown> }[] = [];
    let index = 0;
    // Nothing here has to survive a power loss yet: commit without the fsync; the next
    // durable commit (of the whole write-ahead log) carries it to the disk.
    const relaxed = this.relax !== undefined && jobs.every((job) => !job.durable);
    let relaxing = false;
    try {
      // Inside the try: a connection closed meanwhile fails these writes, never the process.
      this.check?.();
      if (relaxed) {
        this.relax!(true);
        relaxing = true;
      }
      this.run('begin');
      for (; index < jobs.length; index++) {
        const job = jobs[index]!;
        if (!alone) this.run('savepoint');
        let result: BatchedWrite<unknown>;
        try {
          result = job.write();
        } catch (error) {
          if (alone) throw error;
          // Undo this write alone; the others go on.
          this.run('rollbackToSavepoint');
          this.run('releaseSavepoint');
          job.reject(job.failed(error));
          continue;
        }
        if (!alone) this.run('releaseSavepoint');
        done.push({ job, result });
      }
      this.run('commit');
    } catch (error) {
      // The transaction as a whole failed (BEGIN refused, a full disk, COMMIT refused):
      // nothing of it is stored, and every write still waiting says why.
      rollbackQuietly(this.db);
      for (const { job, result } of done) {
        result.rolledBack?.();
        job.reject(job.failed(error));
      }
      for (const job of jobs.slice(index)) job.reject(job.failed(error));
      return;
    } finally {
      if (relaxing) this.#restoreSync();
    }
    for (const { job, result } of done) {
      result.committed?.();
      job.resolve(result.value);
    }
  }
}

/** The transaction-control statements a batch runs. */
export type TransactionStatement =
  | 'begin'
  | 'commit'
  | 'savepoint'
  | 'releaseSavepoint'
  | 'rollbackToSavepoint';
