import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  closeSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteResponseCacheStore } from '../cache/sqlite-response-cache-store';
import { emptyUsage } from '../ledger/fold-usage';
import { SqliteCheckpointer } from './sqlite-checkpointer';
import { openCheckpointDatabase } from './sqlite-database';
import type { Checkpoint } from './types';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'agentchart-sqlite-open-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function checkpoint(version: number, blob = ''): Checkpoint {
  return {
    threadId: 't',
    version,
    machineVersion: 'm1',
    snapshot: { status: 'active', value: 'working', context: { blob } },
    run: { status: 'running', input: null, startedAt: 0, occurrences: {}, usage: emptyUsage() },
    delayedEvents: [],
    createdAt: version,
  };
}

/** The error `action` throws, or undefined. */
function thrown(action: () => unknown): (Error & { code?: string }) | undefined {
  try {
    action();
  } catch (error) {
    return error as Error & { code?: string };
  }
  return undefined;
}

const digest = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** Page size, page count: what the main file's header says. */
function header(path: string): { pageSize: number; pages: number } {
  const bytes = readFileSync(path).subarray(0, 100);
  return { pageSize: bytes.readUInt16BE(16), pages: bytes.readUInt32BE(28) };
}

/**
 * A database as a kill in the middle of SQLite's WAL checkpoint leaves it: the WAL holds
 * every commit, and the main file has its new first page (with the new page count) but not
 * yet the pages that would make it that long. (A full disk during the checkpoint leaves the
 * same.) Built from copies of a live database's files, as a crash image.
 */
async function interruptedCheckpoint(): Promise<string> {
  const path = join(dir, 'runs.db');
  const first = new SqliteCheckpointer({ path });
  for (let version = 1; version <= 3; version++) await first.save(checkpoint(version));
  first.close();
  const live = new SqliteCheckpointer({ path });
  for (let version = 4; version <= 10; version++) {
    await live.save(checkpoint(version, String(version).repeat(50_000)));
  }
  const crashed = join(dir, 'crashed');
  const finished = join(dir, 'finished');
  for (const folder of [crashed, finished]) {
    mkdirSync(folder);
    copyFileSync(path, join(folder, 'runs.db'));
    copyFileSync(`${path}-wal`, join(folder, 'runs.db-wal'));
  }
  live.close();
  const db = new DatabaseSync(join(finished, 'runs.db'));
  db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
  db.close();
  const { pageSize } = header(join(finished, 'runs.db'));
  const fd = openSync(join(crashed, 'runs.db'), 'r+');
  writeSync(fd, readFileSync(join(finished, 'runs.db')).subarray(0, pageSize), 0, pageSize, 0);
  closeSync(fd);
  return join(crashed, 'runs.db');
}

describe('openCheckpointDatabase', () => {
  const open = (path: string, synchronous: 'full' | 'normal' = 'full') =>
    openCheckpointDatabase({
      path,
      synchronous,
      busyTimeoutMs: 1_000,
      verify: false,
      readOnly: false,
    }).db;

  it('copies the write-ahead log into the file every ~4 MB at the default sync level, and every ~16 MB at normal', () => {
    for (const [synchronous, pages] of [
      ['full', 2_000],
      ['normal', 8_000],
    ] as const) {
      const db = open(join(dir, `${synchronous}.db`), synchronous);
      expect(db.prepare('PRAGMA page_size').get()).toEqual({ page_size: 2_048 });
      expect(db.prepare('PRAGMA wal_autocheckpoint').get()).toEqual({ wal_autocheckpoint: pages });
      db.close();
    }
  });

  it('creates a file with 2 KB pages, and keeps the page size of a file created before', () => {
    const path = join(dir, 'old.db');
    const old = new DatabaseSync(path);
    old.exec(
      'PRAGMA page_size = 4096; PRAGMA journal_mode = WAL; CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT',
    );
    old.close();
    const db = open(path);
    expect(db.prepare('PRAGMA page_size').get()).toEqual({ page_size: 4_096 });
    // The same ~4 MB of log, in the file's own pages.
    expect(db.prepare('PRAGMA wal_autocheckpoint').get()).toEqual({ wal_autocheckpoint: 1_000 });
    db.close();
  });
});

describe('opening an SQLite checkpoint database', () => {
  it('opens a database whose WAL checkpoint was cut short by a kill or a full disk, losing nothing (issue 10)', async () => {
    const path = await interruptedCheckpoint();
    const { pageSize, pages } = header(path);
    // The state the audit met: the main file is shorter than its header says.
    expect(statSync(path).size).toBeLessThan(pages * pageSize);
    const store = new SqliteCheckpointer({ path });
    const latest = await store.latest('t');
    expect(latest?.version).toBe(10);
    expect(latest?.snapshot).toEqual(checkpoint(10, '10'.repeat(50_000)).snapshot);
    expect((await store.list('t')).map((item) => item.version)).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
    ]);
    await store.save(checkpoint(11));
    store.close();
    const db = new DatabaseSync(path);
    expect(db.prepare('PRAGMA integrity_check').get()).toEqual({ integrity_check: 'ok' });
    db.close();
  });

  it('reads such a database read-only too (issue 10)', async () => {
    const path = await interruptedCheckpoint();
    const store = new SqliteCheckpointer({ path, readOnly: true });
    expect((await store.latest('t'))?.version).toBe(10);
    store.close();
  });

  it("calls a truncated file with no WAL to replay corrupt in SQLite's words, and never advises deleting it (issue 10)", async () => {
    const path = join(dir, 'runs.db');
    const store = new SqliteCheckpointer({ path });
    for (let version = 1; version <= 30; version++) {
      await store.save(checkpoint(version, 'y'.repeat(5_000 * version)));
    }
    store.close();
    // Closed cleanly: no WAL is left, so nothing can supply the missing half.
    expect(existsSync(`${path}-wal`)).toBe(false);
    truncateSync(path, Math.floor(statSync(path).size / 2));
    const error = thrown(() => new SqliteCheckpointer({ path }));
    expect(error?.code).toBe('checkpoint.corrupt');
    expect(error?.message).toMatch(/SQLite reports .* as corrupt/);
    expect(error?.message).toContain('truncated');
    expect(error?.message).toContain('.recover');
    expect(error?.message).not.toMatch(/move it aside|start a new one|delete/i);
  });

  it('advises a recovery command that works with the sqlite3 shell installed here', async () => {
    const path = join(dir, 'runs.db');
    const store = new SqliteCheckpointer({ path });
    for (let version = 1; version <= 30; version++) {
      await store.save(checkpoint(version, 'y'.repeat(5_000 * version)));
    }
    store.close();
    truncateSync(path, Math.floor(statSync(path).size / 2));
    const message = thrown(() => new SqliteCheckpointer({ path }))?.message ?? '';
    // Debian 12's sqlite3 is 3.40, whose `.recover` writes a script that creates no table.
    const [major = 0, minor = 0] = execFileSync('sqlite3', ['--version'], { encoding: 'utf8' })
      .split(' ')[0]!
      .split('.')
      .map(Number);
    const recoverWorks = major > 3 || (major === 3 && minor >= 41);
    const commands = [...message.matchAll(/`([^`]*recovered\.db)`/g)].map((found) => found[1]);
    const command = commands.find((text) => text?.includes(recoverWorks ? '.recover' : '.dump'));
    expect(command, message).toBeDefined();
    execFileSync('bash', ['-c', command!], { cwd: dir, stdio: 'ignore' });
    const recovered = new SqliteCheckpointer({ path: join(dir, 'recovered.db') });
    expect((await recovered.latest('t'))?.version).toBeGreaterThan(0);
    recovered.close();
  });

  it("refuses an SQLite file that is not agentchart's, without changing it (issue 10)", () => {
    const path = join(dir, 'app.db');
    const app = new DatabaseSync(path);
    app.exec(
      "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO users (name) VALUES ('ada')",
    );
    app.close();
    const before = digest(path);
    for (const readOnly of [false, true]) {
      const error = thrown(() => new SqliteCheckpointer({ path, readOnly }));
      expect(error?.code).toBe('checkpoint.foreign_database');
      expect(error?.message).toContain(`${path} is an SQLite database, but not agentchart's`);
      expect(error?.message).toContain('users');
      expect(error?.message).toContain('has not changed it');
    }
    expect(digest(path)).toBe(before);
    expect(existsSync(`${path}-wal`)).toBe(false);
    const check = new DatabaseSync(path);
    expect(check.prepare('PRAGMA journal_mode').get()).toEqual({ journal_mode: 'delete' });
    expect(check.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'").all()).toEqual([
      { name: 'users' },
    ]);
    check.close();
  });

  it("refuses a database that carries another program's application id", () => {
    const path = join(dir, 'other.db');
    const other = new DatabaseSync(path);
    other.exec('PRAGMA application_id = 1234');
    other.close();
    expect(thrown(() => new SqliteCheckpointer({ path }))?.code).toBe(
      'checkpoint.foreign_database',
    );
  });

  it('opens a database the response cache created first', async () => {
    const path = join(dir, 'runs.db');
    new SqliteResponseCacheStore({ path });
    const store = new SqliteCheckpointer({ path });
    await store.save(checkpoint(1));
    expect((await store.latest('t'))?.version).toBe(1);
    store.close();
  });

  it('migrates a version-1 database to the current version (5), and reads one read-only without migrating it', async () => {
    const path = join(dir, 'v1.db');
    const store = new SqliteCheckpointer({ path });
    await store.save(checkpoint(1));
    store.close();
    // Back to what version 1 wrote: no leases, wakeups or run log table, no index, no application id.
    const old = new DatabaseSync(path);
    old.exec(
      "DROP TABLE leases; DROP TABLE wakeups; DROP INDEX threads_by_status; DROP TRIGGER effect_log_follows_effects; DROP TABLE effect_log; DROP TABLE effect_log_agents; UPDATE meta SET value = '1' WHERE key = 'schema_version'; PRAGMA application_id = 0",
    );
    old.close();
    const reader = new SqliteCheckpointer({ path, readOnly: true });
    expect((await reader.latest('t'))?.version).toBe(1);
    expect(await reader.getLease('t')).toBeUndefined();
    reader.close();
    const check = new DatabaseSync(path);
    expect(check.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get()).toEqual({
      value: '1',
    });
    check.close();
    const writer = new SqliteCheckpointer({ path });
    await writer.acquireLease('t', { owner: 'run-a', ttlMs: 1000, now: 1 });
    expect((await writer.getLease('t'))?.owner).toBe('run-a');
    writer.close();
    const migrated = new DatabaseSync(path);
    expect(migrated.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get()).toEqual({
      value: '5',
    });
    expect(
      migrated
        .prepare(
          "SELECT name FROM sqlite_schema WHERE name IN ('wakeups', 'wakeups_by_time', 'threads_by_status') ORDER BY name",
        )
        .all()
        .map((row) => (row as { name: string }).name),
    ).toEqual(['threads_by_status', 'wakeups', 'wakeups_by_time']);
    migrated.close();
  });

  it('gives a version-4 file the current index definitions, which leave running threads and rows without a tenant out', async () => {
    const path = join(dir, 'runs.db');
    const store = new SqliteCheckpointer({ path });
    await store.save(checkpoint(1));
    await store.save({
      ...checkpoint(2),
      run: { ...checkpoint(2).run, status: 'waiting' },
    });
    store.close();
    // As version 4 first wrote them: every thread and every run log row indexed.
    const old = new DatabaseSync(path);
    old.exec(`DROP INDEX threads_by_status; DROP INDEX effect_log_by_tenant;
      CREATE INDEX threads_by_status ON threads (status, updated_at);
      CREATE INDEX effect_log_by_tenant ON effect_log (tenant_id, started_at);`);
    old.close();
    const reopened = new SqliteCheckpointer({ path });
    expect((await reopened.listThreads({ status: 'waiting' })).map((t) => t.version)).toEqual([2]);
    expect(await reopened.listThreads({ status: 'running' })).toEqual([]);
    reopened.close();
    const check = new DatabaseSync(path);
    const definitions = check
      .prepare(
        "SELECT name, sql FROM sqlite_schema WHERE name IN ('threads_by_status', 'effect_log_by_tenant') ORDER BY name",
      )
      .all() as { name: string; sql: string }[];
    expect(definitions.map((row) => [row.name, row.sql.match(/WHERE .*/)?.[0]])).toEqual([
      ['effect_log_by_tenant', 'WHERE tenant_id IS NOT NULL'],
      ['threads_by_status', "WHERE status <> 'running'"],
    ]);
    // The queries that filter by status or tenant still read those indexes.
    const plan = (sql: string, ...parameters: string[]) =>
      (check.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...parameters) as { detail: string }[])
        .map((row) => row.detail)
        .join('; ');
    expect(
      plan(
        "SELECT thread_id FROM threads WHERE status = ? AND status <> 'running' ORDER BY updated_at",
        'waiting',
      ),
    ).toContain('USING INDEX threads_by_status');
    expect(plan('SELECT thread_id FROM effect_log WHERE tenant_id = ?', 'acme')).toContain(
      'USING COVERING INDEX effect_log_by_tenant',
    );
    check.close();
  });

  it('reads and writes a file whose checkpoints table has the clustered shape earlier versions created', async () => {
    const path = join(dir, 'runs.db');
    const store = new SqliteCheckpointer({ path });
    await store.save(checkpoint(1, 'a'));
    await store.save(checkpoint(2, 'b'));
    store.close();
    const old = new DatabaseSync(path);
    old.exec(`ALTER TABLE checkpoints RENAME TO rowid_checkpoints;
      CREATE TABLE checkpoints (thread_id TEXT NOT NULL, version INTEGER NOT NULL,
        machine_version TEXT NOT NULL, status TEXT NOT NULL, created_at INTEGER NOT NULL,
        owner TEXT, encoding TEXT NOT NULL, state TEXT NOT NULL,
        PRIMARY KEY (thread_id, version)) STRICT, WITHOUT ROWID;
      INSERT INTO checkpoints SELECT * FROM rowid_checkpoints; DROP TABLE rowid_checkpoints;`);
    old.close();
    const reopened = new SqliteCheckpointer({ path });
    expect((await reopened.latest('t'))?.snapshot).toEqual(checkpoint(2, 'b').snapshot);
    await reopened.save(checkpoint(3, 'c'));
    await expect(reopened.save(checkpoint(3, 'd'))).rejects.toThrow(/checkpoint/);
    expect((await reopened.list('t')).map((row) => row.version)).toEqual([1, 2, 3]);
    expect((await reopened.get('t', 3))?.snapshot).toEqual(checkpoint(3, 'c').snapshot);
    reopened.close();
    const check = new DatabaseSync(path);
    expect(
      (
        check.prepare("SELECT sql FROM sqlite_schema WHERE name = 'checkpoints'").get() as {
          sql: string;
        }
      ).sql,
    ).toContain('WITHOUT ROWID');
    check.close();
  });

  it('opens read-only without writing: no WAL switch, no schema, every write refused with storage.read_only (issue 10)', async () => {
    const path = join(dir, 'runs.db');
    const writer = new SqliteCheckpointer({ path });
    await writer.save(checkpoint(1));
    writer.close();
    const before = digest(path);
    const reader = new SqliteCheckpointer({ path, readOnly: true });
    expect(reader.readOnly).toBe(true);
    expect((await reader.listThreads()).map((thread) => thread.threadId)).toEqual(['t']);
    for (const write of [
      () => reader.save(checkpoint(2)),
      () => reader.putEffect({ ...entry(), threadId: 't' }),
      () => reader.acquireLease('t', { owner: 'o', ttlMs: 1, now: 1 }),
      () => reader.releaseLease('t', 'o'),
    ]) {
      await expect(write()).rejects.toMatchObject({ code: 'storage.read_only' });
    }
    reader.close();
    expect(digest(path)).toBe(before);
  });

  it('refuses to create a database read-only, or read one from an empty file', () => {
    const missing = thrown(
      () => new SqliteCheckpointer({ path: join(dir, 'none.db'), readOnly: true }),
    );
    expect(missing?.code).toBe('storage.not_found');
    expect(existsSync(join(dir, 'none.db'))).toBe(false);
    const empty = join(dir, 'empty.db');
    closeSync(openSync(empty, 'w'));
    expect(thrown(() => new SqliteCheckpointer({ path: empty, readOnly: true }))?.code).toBe(
      'checkpoint.foreign_database',
    );
  });

  it('refuses a directory and a device with storage.not_a_file, saying what to give instead (issue 10)', () => {
    const folder = thrown(() => new SqliteCheckpointer({ path: dir }));
    expect(folder?.code).toBe('storage.not_a_file');
    expect(folder?.message).toBe(
      `${dir} is a directory, not a database file. Give the path of a file, e.g. ${dir}/runs.db.`,
    );
    for (const readOnly of [false, true]) {
      const device = thrown(() => new SqliteCheckpointer({ path: '/dev/null', readOnly }));
      expect(device?.code).toBe('storage.not_a_file');
      expect(device?.message).toContain('/dev/null is a character device, not a database file');
    }
    // A folder on the path that is a file: the errno once, not "ENOTDIR: ENOTDIR: …".
    const under = thrown(() => new SqliteCheckpointer({ path: '/dev/null/sub/runs.db' }));
    expect(under?.code).toBe('storage.not_a_file');
    expect(under?.message).toContain('(ENOTDIR: not a directory');
  });
});

function entry() {
  return {
    threadId: 't',
    key: 'k',
    site: 's',
    kind: 'tool' as const,
    effect: 'unsafe' as const,
    name: 'n',
    status: 'started' as const,
    startedAt: 1,
  };
}
