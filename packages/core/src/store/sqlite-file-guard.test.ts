import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { databaseFileGuard } from './sqlite-file-guard';

let dir: string;
let db: DatabaseSync | undefined;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'agentchart-guard-'));
});

afterEach(() => {
  db?.close();
  db = undefined;
  rmSync(dir, { recursive: true, force: true });
});

/** A WAL database with a write in its log, as a store leaves it while open. */
function openWal(path: string): DatabaseSync {
  const opened = new DatabaseSync(path);
  opened.exec('PRAGMA journal_mode = WAL; CREATE TABLE t (x); INSERT INTO t VALUES (1);');
  return opened;
}

describe('databaseFileGuard', () => {
  it('passes while the database and its log are the files opened', () => {
    const path = join(dir, 'runs.db');
    db = openWal(path);
    const guard = databaseFileGuard(path)!;
    expect(() => guard()).not.toThrow();
    db.exec('INSERT INTO t VALUES (2)');
    expect(() => guard()).not.toThrow();
  });

  it('throws storage.moved when only the write-ahead log was deleted (issue 10)', () => {
    const path = join(dir, 'runs.db');
    db = openWal(path);
    const guard = databaseFileGuard(path)!;
    rmSync(`${path}-wal`);
    expect(() => guard()).toThrow(
      expect.objectContaining({
        code: 'storage.moved',
        // What deletes a log without anyone meaning to: another SQLite copy's last close.
        message: expect.stringContaining('another SQLite library (better-sqlite3, for one)'),
      }),
    );
  });

  it('still notices the files deleted or replaced once it trusts their still folder', () => {
    const path = join(dir, 'runs.db');
    db = openWal(path);
    // A clock a minute ahead: the folder, changed moments ago, reads as still for long.
    const guard = databaseFileGuard(path, { now: () => Date.now() + 60_000 })!;
    guard();
    guard();
    db.exec('INSERT INTO t VALUES (2)');
    expect(() => guard()).not.toThrow();
    writeFileSync(join(dir, 'other.db'), 'not a database');
    renameSync(join(dir, 'other.db'), path);
    expect(() => guard()).toThrow(expect.objectContaining({ code: 'storage.moved' }));
  });

  it('still notices the log deleted once it trusts the still folder', () => {
    const path = join(dir, 'runs.db');
    db = openWal(path);
    const guard = databaseFileGuard(path, { now: () => Date.now() + 60_000 })!;
    guard();
    guard();
    rmSync(`${path}-wal`);
    expect(() => guard()).toThrow(expect.objectContaining({ code: 'storage.moved' }));
  });

  it('watches nothing for an in-memory database', () => {
    expect(databaseFileGuard(':memory:')).toBeUndefined();
  });
});
