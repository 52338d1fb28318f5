import { statSync } from 'node:fs';
import Database from 'better-sqlite3';

/**
 * Bytes a SQLite database holds on disk: its write-ahead log is folded into the file first
 * (through a second connection, so the store under test stays open), then the file is sized.
 */
export function sqliteFileBytes(path: string): number {
  const db = new Database(path);
  try {
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
  return statSync(path).size;
}
