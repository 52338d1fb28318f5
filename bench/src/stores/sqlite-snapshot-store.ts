import { statSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { AnyActor } from 'xstate';
import { type Durability, synchronousOf } from './durability';

/**
 * What a raw XState user writes to make a machine durable: the persisted snapshot as JSON in
 * a SQLite row after every transition, one row per step (history kept, as the other
 * stores keep it). Same journal mode as LangGraph's SqliteSaver (WAL), at the durability given.
 */
export class SqliteSnapshotStore {
  readonly #db: Database.Database;
  readonly #insert: Database.Statement<[string, number, string]>;
  readonly #latest: Database.Statement<[string], { snapshot: string }>;
  /** Bytes of snapshot JSON written so far. */
  bytesWritten = 0;
  writes = 0;

  constructor(
    readonly path: string,
    durability: Durability = 'wal',
  ) {
    this.#db = new Database(path);
    this.#db.pragma('journal_mode = WAL');
    this.#db.pragma(`synchronous = ${synchronousOf(durability)}`);
    this.#db.exec(
      'CREATE TABLE IF NOT EXISTS snapshots (thread_id TEXT NOT NULL, step INTEGER NOT NULL, snapshot TEXT NOT NULL, PRIMARY KEY (thread_id, step))',
    );
    this.#insert = this.#db.prepare('INSERT INTO snapshots VALUES (?, ?, ?)');
    this.#latest = this.#db.prepare(
      'SELECT snapshot FROM snapshots WHERE thread_id = ? ORDER BY step DESC LIMIT 1',
    );
  }

  /**
   * Writes the actor's persisted snapshot after every transition, from `start()` on;
   * `onWrite` hears each write's size in bytes.
   */
  persist(actor: AnyActor, threadId: string, onWrite?: (bytes: number) => void): void {
    let step = 0;
    actor.subscribe({
      next: () => {
        const bytes = this.write(threadId, step++, actor.getPersistedSnapshot());
        onWrite?.(bytes);
      },
      error: () => undefined,
    });
  }

  /** Writes one snapshot; returns its size in bytes. */
  write(threadId: string, step: number, snapshot: unknown): number {
    const json = JSON.stringify(snapshot);
    this.#insert.run(threadId, step, json);
    const bytes = Buffer.byteLength(json);
    this.bytesWritten += bytes;
    this.writes++;
    return bytes;
  }

  /** The newest snapshot of a thread, parsed. */
  latest(threadId: string): unknown {
    const row = this.#latest.get(threadId);
    return row && JSON.parse(row.snapshot);
  }

  /** Moves the write-ahead log into the database file, so the file's size is what is stored. */
  checkpointWal(): void {
    this.#db.pragma('wal_checkpoint(TRUNCATE)');
  }

  /** Size of the database file, in bytes (call {@link checkpointWal} first). */
  fileBytes(): number {
    return statSync(this.path).size;
  }

  close(): void {
    this.#db.close();
  }
}
