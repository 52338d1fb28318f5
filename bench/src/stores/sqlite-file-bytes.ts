import { statSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import Database from 'better-sqlite3';

/**
 * Bytes a SQLite database holds on disk: its write-ahead log is folded into the file first
 * (through a second connection, so the store under test stays open), then the file is sized.
 * The second connection must come from the SQLite library the store uses (`node:sqlite` for
 * agentchart, better-sqlite3 for the others): a connection of another copy of SQLite in the
 * same process does not see the store's, takes itself for the last one when it closes, and
 * deletes the write-ahead log under the store.
 */
export function sqliteFileBytes(path: string, library: 'node:sqlite' | 'better-sqlite3'): number {
  if (library === 'node:sqlite') {
    const db = new DatabaseSync(path);
    try {
      db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    } finally {
      db.close();
    }
  } else {
    const db = new Database(path);
    try {
      db.pragma('wal_checkpoint(TRUNCATE)');
    } finally {
      db.close();
    }
  }
  return statSync(path).size;
}
