import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A temporary SQLite file with `users` and `secrets` tables, for tests. */
export interface TestDatabase {
  dir: string;
  path: string;
  /** A hash of every file in the directory: equal before and after means nothing was written. */
  fingerprint(): Promise<string>;
  remove(): Promise<void>;
}

/**
 * Builds `users(id, name, email)` with three rows, `secrets(id, value)` with one and a blob
 * column, in a fresh temporary directory.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const dir = await mkdtemp(join(tmpdir(), 'agentchart-sql-'));
  const path = join(dir, 'shop.sqlite');
  const { DatabaseSync } = process.getBuiltinModule('node:sqlite');
  const db = new DatabaseSync(path);
  db.exec(`
    CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT);
    INSERT INTO users (name, email) VALUES ('ann', 'ann@example.com'), ('bob', 'bob@example.com'), ('cy', NULL);
    CREATE TABLE secrets (id INTEGER PRIMARY KEY, value TEXT, data BLOB);
    INSERT INTO secrets (value, data) VALUES ('s3cr3t', x'00010203');
  `);
  db.close();
  return {
    dir,
    path,
    fingerprint: async () => {
      const hash = createHash('sha256');
      for (const name of (await readdir(dir)).sort()) {
        hash.update(name).update(await readFile(join(dir, name)));
      }
      return hash.digest('hex');
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
