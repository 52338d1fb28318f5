import { existsSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DefinitionError } from '../errors/definition-error';
import { emptyUsage } from '../ledger/fold-usage';
import type { JournalEntry } from '../ledger/types';
import { checkpointerConformance } from '../testing/checkpointer-conformance';
import { CheckpointError } from './checkpoint-error';
import { SqliteCheckpointer } from './sqlite-checkpointer';
import type { Checkpoint } from './types';

let dir: string;
const open: SqliteCheckpointer[] = [];
const store = (options: { path?: string; synchronous?: 'full' | 'normal' } = {}) => {
  const checkpointer = new SqliteCheckpointer({ path: join(dir, 'runs.db'), ...options });
  open.push(checkpointer);
  return checkpointer;
};

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'agentchart-sqlite-'));
});

afterEach(() => {
  for (const checkpointer of open.splice(0)) checkpointer.close();
  rmSync(dir, { recursive: true, force: true });
});

function checkpoint(version: number, context: unknown, owner = 'run-a'): Checkpoint {
  return {
    threadId: 't1',
    version,
    machineVersion: 'm1',
    snapshot: { status: 'active', value: 'working', context },
    run: {
      status: 'running',
      input: { request: 'x' },
      startedAt: 0,
      occurrences: { work: version },
      usage: emptyUsage(),
    },
    delayedEvents: [],
    createdAt: version * 1000,
    owner,
  };
}

const message = (n: number) => ({ role: 'user', content: `${n}: ${'x'.repeat(1000)}` });

function entry(key: string, status: JournalEntry['status'], output?: unknown): JournalEntry {
  return {
    threadId: 't1',
    key,
    site: 'work',
    kind: 'tool',
    effect: 'unsafe',
    name: 'send_invoice',
    status,
    startedAt: 5,
    input: { amount: 120 },
    ...(output === undefined ? {} : { output, finishedAt: 6 }),
  };
}

describe('SqliteCheckpointer', () => {
  it('refuses a flag that is not true or false, before it opens the file', () => {
    // `readOnly: 'false'` opened the file read-only: every save failed with storage.read_only.
    for (const [name, value] of [
      ['readOnly', 'false'],
      ['runLog', 0],
      ['verify', 'yes'],
    ] as const) {
      const made = () =>
        new SqliteCheckpointer({ path: join(dir, 'flags.db'), [name]: value } as never);
      expect(made).toThrow(DefinitionError);
      expect(made).toThrow(new RegExp(`SqliteCheckpointer: ${name} must be true or false`));
    }
    expect(existsSync(join(dir, 'flags.db'))).toBe(false);
  });

  it('stores checkpoints and reads back the latest, any version, and the history', async () => {
    const checkpointer = store();
    await checkpointer.save(checkpoint(1, { n: 1 }));
    await checkpointer.save(checkpoint(2, { n: 2 }));
    expect(await checkpointer.latest('t1')).toEqual(checkpoint(2, { n: 2 }));
    expect(await checkpointer.get('t1', 1)).toEqual(checkpoint(1, { n: 1 }));
    expect(await checkpointer.get('t1', 3)).toBeUndefined();
    expect(await checkpointer.latest('nope')).toBeUndefined();
    const history = await checkpointer.list('t1');
    expect(history.map(({ version, status, createdAt }) => [version, status, createdAt])).toEqual([
      [1, 'running', 1000],
      [2, 'running', 2000],
    ]);
  });

  it('keeps checkpoints in the file across connections', async () => {
    await store().save(checkpoint(1, { n: 1 }));
    expect((await store().latest('t1'))?.snapshot).toEqual(checkpoint(1, { n: 1 }).snapshot);
  });

  it('refuses a checkpoint that does not follow the stored version (compare-and-set)', async () => {
    const first = store();
    const second = store();
    await first.save(checkpoint(1, {}));
    await first.save(checkpoint(2, {}, 'run-a'));
    const error = await second.save(checkpoint(2, {}, 'run-b')).catch((caught) => caught);
    expect(CheckpointError.isInstance(error)).toBe(true);
    expect(error.code).toBe('checkpoint.conflict');
    expect(error.message).toContain(
      'is at checkpoint 2, but this run wrote its checkpoint 2 on top of checkpoint 1',
    );
    await expect(second.save(checkpoint(1, {}, 'run-b'))).rejects.toThrow(/already exists/);
  });

  it("refuses any checkpoint, the first included, of a run that does not hold the thread's lease", async () => {
    const checkpointer = store();
    await checkpointer.acquireLease('t1', { owner: 'run-b', ttlMs: 60_000, now: 0 });
    const first = await checkpointer.save(checkpoint(1, {}, 'run-a')).catch((caught) => caught);
    expect(first.code).toBe('checkpoint.conflict');
    expect(first.message).toContain('run "run-b" holds its lease');
    expect(await checkpointer.latest('t1')).toBeUndefined();
    await checkpointer.save(checkpoint(1, {}, 'run-b'));
    // Fenced and out of step at once: the lease is what it names.
    const stale = await checkpointer.save(checkpoint(1, {}, 'run-a')).catch((caught) => caught);
    expect(stale.message).toContain('run "run-b" holds its lease');
    const next = await checkpointer.save(checkpoint(2, {}, 'run-a')).catch((caught) => caught);
    expect(next.message).toContain('run "run-b" holds its lease');
    await checkpointer.save(checkpoint(2, {}, 'run-b'));
    expect((await checkpointer.latest('t1'))?.version).toBe(2);
  });

  it('writes bytes in proportion to the new message as a history grows, not to the history', async () => {
    const checkpointer = store();
    const history: unknown[] = [];
    const written: number[] = [];
    for (let version = 1; version <= 200; version++) {
      history.push(message(version));
      const result = await checkpointer.save(checkpoint(version, { messages: history }));
      written.push(result.bytes);
    }
    const lastHundred = written.slice(100);
    const average = lastHundred.reduce((sum, bytes) => sum + bytes, 0) / lastHundred.length;
    // A full state at step 200 is ~200 KB; a step adds ~1 KB.
    expect(written.at(-1)).toBeLessThan(200_000);
    expect(average).toBeLessThan(3_500);
    const read = await checkpointer.get('t1', 137);
    expect(read?.snapshot).toEqual(checkpoint(137, { messages: history.slice(0, 137) }).snapshot);
    expect((await store().latest('t1'))?.snapshot).toEqual(
      checkpoint(200, { messages: history }).snapshot,
    );
  });

  it('writes deltas for every run in progress when more run at once than it keeps at rest', async () => {
    const checkpointer = store({ synchronous: 'normal' });
    const threads = Array.from({ length: 400 }, (_, index) => `busy-${index}`);
    const history = Array.from({ length: 50 }, (_, index) => message(index));
    const at = (threadId: string, version: number, messages: unknown[]) => ({
      ...checkpoint(version, { messages }, `run-${threadId}`),
      threadId,
    });
    // Every thread's first checkpoint, then every thread's second: 400 runs under way at once.
    await Promise.all(threads.map((threadId) => checkpointer.save(at(threadId, 1, history))));
    const second = await Promise.all(
      threads.map((threadId) => checkpointer.save(at(threadId, 2, [...history, message(50)]))),
    );
    const full = JSON.stringify(at('busy-0', 2, [...history, message(50)]).snapshot).length;
    // A delta holds the new message (~1 KB); a full state all 51 (~50 KB).
    expect(Math.max(...second.map((result) => result.bytes))).toBeLessThan(full / 10);
  });

  it('records an effect intent and its result under one key, oldest first', async () => {
    const checkpointer = store();
    await checkpointer.putEffect(entry('a#0/0:tool:send_invoice', 'started'));
    await checkpointer.putEffect(entry('b#0/0:tool:send_invoice', 'started'));
    await checkpointer.putEffect(
      entry('a#0/0:tool:send_invoice', 'completed', { invoiceId: 'inv-1' }),
    );
    expect(await checkpointer.getEffect('t1', 'a#0/0:tool:send_invoice')).toEqual(
      entry('a#0/0:tool:send_invoice', 'completed', { invoiceId: 'inv-1' }),
    );
    expect((await store().listEffects('t1')).map((item) => [item.key, item.status])).toEqual([
      ['a#0/0:tool:send_invoice', 'completed'],
      ['b#0/0:tool:send_invoice', 'started'],
    ]);
  });

  it("refuses a journal write from a run that is not the thread's owner", async () => {
    const checkpointer = store();
    await checkpointer.save(checkpoint(1, {}, 'run-a'));
    await checkpointer.save(checkpoint(2, {}, 'run-b'));
    const error = await store()
      .putEffect(entry('k', 'started'), { owner: 'run-a' })
      .catch((caught) => caught);
    expect(error.code).toBe('checkpoint.conflict');
    expect(error.message).toContain('was taken over by another run');
    expect(await checkpointer.getEffect('t1', 'k')).toBeUndefined();
    await checkpointer.putEffect(entry('k', 'started'), { owner: 'run-b' });
    expect((await checkpointer.getEffect('t1', 'k'))?.status).toBe('started');
  });

  it('falls back to the last good checkpoint when a newer row does not parse', async () => {
    const checkpointer = store();
    for (let version = 1; version <= 4; version++) {
      await checkpointer.save(checkpoint(version, { n: version }));
    }
    const db = new DatabaseSync(checkpointer.path);
    db.prepare("UPDATE checkpoints SET state = '{\"trunc' WHERE version = 3").run();
    db.close();
    const latest = await store().latest('t1');
    expect(latest?.version).toBe(2);
    expect(latest?.snapshot).toEqual(checkpoint(2, { n: 2 }).snapshot);
    expect(latest?.recovered?.headVersion).toBe(4);
    expect(latest?.recovered?.unreadable.map((item) => item.version)).toEqual([3, 4]);
    const error = await store()
      .get('t1', 4)
      .catch((caught) => caught);
    expect(error.code).toBe('checkpoint.corrupt');
    expect(error.message).toContain('Checkpoint 4 of thread "t1"');
  });

  it('reads a forged delta row without polluting any prototype, falling back to the last good checkpoint (prototype pollution review finding)', async () => {
    const checkpointer = store();
    for (let version = 1; version <= 3; version++) {
      await checkpointer.save(checkpoint(version, { n: version }));
    }
    // What a process with write access to the file could store for every reader to apply:
    // `agentchart show`, the studio, a worker resuming the thread.
    const forged = [
      ['s', ['__proto__', 'polluted'], 'yes'],
      ['s', ['constructor', 'prototype', 'polluted'], 'yes'],
    ];
    const db = new DatabaseSync(checkpointer.path);
    db.prepare("UPDATE checkpoints SET encoding = 'delta', state = ? WHERE version = 3").run(
      JSON.stringify(forged),
    );
    db.close();
    try {
      const latest = await store().latest('t1');
      expect({}).not.toHaveProperty('polluted');
      expect(latest?.version).toBe(2);
      expect(latest?.recovered?.unreadable.map((item) => item.version)).toEqual([3]);
    } finally {
      delete (Object.prototype as { polluted?: unknown }).polluted;
    }
  });

  it('refuses a file that is not a database with checkpoint.corrupt', () => {
    const path = join(dir, 'garbage.db');
    writeFileSync(
      path,
      'this is not a database, just some text that is long enough to matter'.repeat(40),
    );
    const error = (() => {
      try {
        store({ path });
      } catch (caught) {
        return caught as CheckpointError;
      }
    })();
    expect(error?.code).toBe('checkpoint.corrupt');
    expect(error?.message).toContain(path);
    expect(error?.message).toContain('is not an SQLite database');
    expect(error?.message).not.toMatch(/move it aside|delete/i);
  });

  it('refuses a database written with another schema version', () => {
    store().close();
    const db = new DatabaseSync(join(dir, 'runs.db'));
    db.prepare("UPDATE meta SET value = '99' WHERE key = 'schema_version'").run();
    db.close();
    expect(() => store()).toThrow(
      /schema version 99, and this @agentchart\/core reads versions \d+ to 5/,
    );
  });

  it('refuses a durability level it does not know', () => {
    expect(() => store({ synchronous: 'off' as never })).toThrow(
      /synchronous must be "full" or "normal"/,
    );
  });

  it('commits the writes queued in this turn when it closes (a lease given up as a run ended)', async () => {
    // At the default durability a lease write turns fsyncs off and on around its transaction:
    // queued and flushed after close(), that threw from a microtask, out of any caller's reach.
    const store = new SqliteCheckpointer({ path: join(dir, 'close.db'), synchronous: 'full' });
    await store.acquireLease('t', { owner: 'run-a', ttlMs: 30_000, now: 1_000 });
    const released = store.releaseLease('t', 'run-a');
    store.close();
    await released;
    const reopened = new SqliteCheckpointer({ path: join(dir, 'close.db') });
    expect(await reopened.getLease('t')).toEqual({ threadId: 't', owner: 'run-a', expiresAt: 0 });
    // A write made after close() fails through its own promise, not the process.
    reopened.close();
    await expect(reopened.releaseLease('t', 'run-a')).rejects.toThrow();
  });

  it('refuses writes with storage.moved once its file was deleted under it, instead of committing into the deleted file (issue 10)', async () => {
    const checkpointer = store();
    await checkpointer.save(checkpoint(1, { n: 1 }));
    for (const file of ['runs.db', 'runs.db-wal', 'runs.db-shm']) rmSync(join(dir, file));
    await expect(checkpointer.save(checkpoint(2, { n: 2 }))).rejects.toMatchObject({
      code: 'storage.moved',
      path: join(dir, 'runs.db'),
    });
    await expect(checkpointer.putEffect(entry('k1', 'started'))).rejects.toMatchObject({
      code: 'storage.moved',
    });
  });

  it('refuses writes with storage.moved once another file took its place (issue 10)', async () => {
    const checkpointer = store();
    await checkpointer.save(checkpoint(1, { n: 1 }));
    const other = new SqliteCheckpointer({ path: join(dir, 'other.db') });
    other.close();
    renameSync(join(dir, 'runs.db'), join(dir, 'moved.db'));
    renameSync(join(dir, 'other.db'), join(dir, 'runs.db'));
    const refused = await checkpointer.save(checkpoint(2, { n: 2 })).catch((error) => error);
    expect(refused).toMatchObject({ code: 'storage.moved' });
    expect(refused.message).toContain('replaced by another file');
  });

  it('lists threads by status', async () => {
    const checkpointer = store();
    await checkpointer.save(checkpoint(1, {}));
    await checkpointer.save({
      ...checkpoint(1, {}),
      threadId: 't2',
      run: { ...checkpoint(1, {}).run, status: 'waiting' },
    });
    expect((await checkpointer.listThreads({ status: 'waiting' })).map((t) => t.threadId)).toEqual([
      't2',
    ]);
    expect(await checkpointer.listThreads()).toHaveLength(2);
  });
});

describe('SqliteCheckpointer erase', () => {
  it("erases a thread's every row: the run log, its agent index row, and a log row left without its journal row", async () => {
    const checkpointer = store();
    const entry: JournalEntry = {
      threadId: 't1',
      key: 'k1',
      site: 's',
      kind: 'tool',
      effect: 'idempotent',
      name: 'add',
      status: 'completed',
      startedAt: 1,
      output: { sum: 3 },
      meta: { agent: 'triage', tenantId: 'acme' },
    };
    await checkpointer.putEffect(entry);
    await checkpointer.putEffect({ ...entry, key: 'k2' });
    await checkpointer.save({ ...checkpoint(1, {}), wakeAt: 5 });
    const db = new DatabaseSync(checkpointer.path);
    try {
      // A log row whose journal row is gone (written by hand, or by a tool that keeps its own).
      db.exec(`CREATE TEMP TABLE kept AS SELECT * FROM effect_log WHERE key = 'k2';
        DELETE FROM effects WHERE key = 'k2';
        INSERT INTO effect_log SELECT * FROM kept;`);
      const left = () =>
        ['threads', 'checkpoints', 'effects', 'effect_log', 'effect_log_agents', 'wakeups'].map(
          (table) =>
            Number(
              (
                db.prepare(`SELECT count(*) AS n FROM ${table} WHERE thread_id = 't1'`).get() as {
                  n: number;
                }
              ).n,
            ),
        );
      expect(left()).toEqual([1, 1, 1, 2, 1, 1]);
      await checkpointer.erase(['t1']);
      expect(left()).toEqual([0, 0, 0, 0, 0, 0]);
      expect(await checkpointer.listTenantThreads('acme')).toEqual([]);
    } finally {
      db.close();
    }
  });

  it('refuses to erase on a store opened read-only, and dry-runs there', async () => {
    const writer = store();
    await writer.save(checkpoint(1, {}));
    const reader = new SqliteCheckpointer({ path: writer.path, readOnly: true });
    open.push(reader);
    await expect(reader.erase(['t1'])).rejects.toMatchObject({ code: 'storage.read_only' });
    expect(await reader.erase(['t1'], { dryRun: true })).toMatchObject({ threads: 1 });
    expect(await writer.latest('t1')).toBeDefined();
  });
});

describe('SqliteCheckpointer conformance', () => {
  const cases = checkpointerConformance({
    create: () => store(),
    reopen: (first) => store({ path: first.path }),
    dispose: (checkpointer) => checkpointer.close(),
    saveWithLease: true,
    erase: true,
    async corruptCheckpoint(checkpointer, threadId, version) {
      const db = new DatabaseSync(checkpointer.path);
      db.prepare('UPDATE checkpoints SET state = ? WHERE thread_id = ? AND version = ?').run(
        '{"trunc',
        threadId,
        version,
      );
      db.close();
    },
  });
  for (const { name, run } of cases) it(name, run);
});
