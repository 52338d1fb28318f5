import { createHash } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteCheckpointer } from '../../src/store/sqlite-checkpointer';
import { asNobody, isRoot, onReadOnlyMount, onSmallDisk } from './small-disk';

type Attempt<T = unknown> =
  | { ok: true; value: T }
  | { ok: false; error: { name: string; code: string; message: string } };

// These need the kernel's help: a private tmpfs that fills up, and a user whom file
// permissions bind. Both need root, which CI has.
describe.skipIf(!isRoot)('SqliteCheckpointer on a full disk', () => {
  it('fails with storage.full at open and during writes, loses nothing, and goes on once space is freed (issue 10)', () => {
    const result = onSmallDisk<{
      saved: number;
      openNew: Attempt;
      save: Attempt;
      putEffect: Attempt;
      close: Attempt;
      openFull: Attempt;
      reopened: Attempt<{ versions: number[]; latest: number; next: number }>;
      integrity: string;
    }>('full-disk-store.ts', null);
    for (const failed of [result.openNew, result.save, result.putEffect]) {
      expect(failed).toMatchObject({ ok: false, error: { code: 'storage.full' } });
      if (!failed.ok) {
        expect(failed.error.message).toMatch(/is full: .* failed/);
        expect(failed.error.message).toContain('Free space on that disk');
        expect(failed.error.message).not.toMatch(/move it aside|delete/i);
      }
    }
    if (!result.save.ok) expect(result.save.error.message).toContain('agent.resume("t")');
    // Closing and opening an existing file on the full disk do not call it corrupt.
    expect(result.close).toEqual({ ok: true });
    expect(result.openFull).toMatchObject({ ok: true });
    // Every checkpoint written before the disk filled is there, and the thread goes on.
    expect(result.reopened).toEqual({
      ok: true,
      value: { versions: [1, 2, 3], latest: 3, next: 4 },
    });
    expect(result.integrity).toBe('ok');
  });
});

/** Makes a run database at `path` holding one thread, `t`, resting `waiting`. */
async function storeOneWaitingThread(path: string): Promise<void> {
  const store = new SqliteCheckpointer({ path });
  await store.save({
    threadId: 't',
    version: 1,
    machineVersion: 'm1',
    snapshot: { value: 'waiting' },
    run: {
      status: 'waiting',
      input: null,
      startedAt: 0,
      occurrences: {},
      usage: {
        inputTokens: 0,
        outputTokens: 0,
        costUsd: 0,
        modelCalls: 0,
        toolCalls: 0,
        steps: 1,
      },
    },
    createdAt: 1,
  });
  store.close();
}

describe.skipIf(!isRoot)('SqliteCheckpointer on a read-only file', () => {
  let dir: string;
  let path: string;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'agentchart-readonly-'));
    path = join(dir, 'runs.db');
    await storeOneWaitingThread(path);
    // The file and its folder are root's; `nobody` may read, not write.
    chmodSync(path, 0o444);
    chmodSync(dir, 0o755);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const digest = () => createHash('sha256').update(readFileSync(path)).digest('hex');

  it('refuses to open it for writing with storage.read_only, saying to use readOnly (issue 10)', () => {
    const before = digest();
    const opened = asNobody<Attempt>('open-store.ts', { path });
    expect(opened).toMatchObject({ ok: false, error: { code: 'storage.read_only' } });
    if (!opened.ok) {
      expect(opened.error.message).toContain(path);
      expect(opened.error.message).toContain('{ readOnly: true }');
    }
    expect(digest()).toBe(before);
  });

  it('reads it with readOnly: true, writing nothing (issue 10)', () => {
    const before = digest();
    const opened = asNobody<Attempt<{ threads: string[]; status: string; write: Attempt }>>(
      'open-store.ts',
      { path, readOnly: true },
    );
    expect(opened).toMatchObject({
      ok: true,
      value: {
        threads: ['t'],
        status: 'waiting',
        write: { ok: false, error: { code: 'storage.read_only' } },
      },
    });
    expect(digest()).toBe(before);
  });
});

describe.skipIf(!isRoot)('SqliteCheckpointer on a file system mounted read-only', () => {
  let dir: string;
  let path: string;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'agentchart-readonly-mount-'));
    path = join(dir, 'runs.db');
    await storeOneWaitingThread(path);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses to open it for writing with storage.read_only, naming the mount (it was storage.permission_denied, saying this user may not read or write it)', () => {
    const opened = onReadOnlyMount<Attempt>(dir, 'open-store.ts', { path });
    expect(opened).toMatchObject({ ok: false, error: { code: 'storage.read_only' } });
    if (!opened.ok) {
      expect(opened.error.message).toContain('mounted read-only');
      expect(opened.error.message).toContain('{ readOnly: true }');
    }
  });

  it('reads it with readOnly: true', () => {
    const opened = onReadOnlyMount<Attempt<{ threads: string[]; status: string; write: Attempt }>>(
      dir,
      'open-store.ts',
      { path, readOnly: true },
    );
    expect(opened).toMatchObject({
      ok: true,
      value: {
        threads: ['t'],
        status: 'waiting',
        write: { ok: false, error: { code: 'storage.read_only' } },
      },
    });
  });
});
