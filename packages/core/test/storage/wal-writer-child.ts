/**
 * A writer for the kill trials: appends large journal rows to a checkpoint database with a
 * tiny `wal_autocheckpoint`, so SQLite checkpoints the WAL every few commits, and prints the
 * number of each row once it is committed. The parent kills it with SIGKILL at a random time.
 */
import { DatabaseSync } from 'node:sqlite';

const path = process.argv[2]!;
const db = new DatabaseSync(path, { timeout: 5_000 });
db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA wal_autocheckpoint = 8;');
const insert = db.prepare(
  `INSERT INTO effects (thread_id, key, site, kind, effect, name, status, started_at, output)
   VALUES ('t', ?, 'work', 'tool', 'pure', 'write', 'completed', 1, ?)`,
);
for (let row = 0; ; row++) {
  insert.run(`k${row}`, JSON.stringify('x'.repeat(200_000 + (row % 7) * 50_000)));
  process.stdout.write(`${row}\n`);
}
