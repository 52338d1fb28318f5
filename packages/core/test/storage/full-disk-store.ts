/**
 * Run by `onSmallDisk` inside a 2 MB tmpfs: a checkpoint store meets a full disk when it
 * opens a new file, while it writes, and when it opens an existing file; then the space is
 * freed and the store is opened again. Prints what each step gave, as one JSON line.
 */
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { JournalEntry } from '../../src/ledger/types';
import { SqliteCheckpointer } from '../../src/store/sqlite-checkpointer';
import type { Checkpoint } from '../../src/store/types';
import { describeError, fillDisk, freeDisk } from './fill-disk';

const disk = process.argv[2]!;

function checkpoint(version: number): Checkpoint {
  return {
    threadId: 't',
    version,
    machineVersion: 'm1',
    // Large enough that the WAL holds pages the main file does not have yet.
    snapshot: {
      status: 'active',
      value: 'working',
      context: { blob: `${version}`.repeat(40_000) },
    },
    run: {
      status: 'running',
      input: null,
      startedAt: 0,
      occurrences: {},
      usage: { inputTokens: 0, outputTokens: 0, costUsd: 0, modelCalls: 0, toolCalls: 0, steps: 0 },
    },
    delayedEvents: [],
    createdAt: version,
  };
}

const entry: JournalEntry = {
  threadId: 't',
  key: 'k',
  site: 'work',
  kind: 'tool',
  effect: 'unsafe',
  name: 'send',
  status: 'started',
  startedAt: 1,
  input: { text: 'x'.repeat(20_000) },
};

function attempt<T>(
  action: () => T,
): { ok: true; value: T } | { ok: false; error: ReturnType<typeof describeError> } {
  try {
    return { ok: true, value: action() };
  } catch (error) {
    return { ok: false, error: describeError(error) };
  }
}

async function attemptAsync<T>(action: () => Promise<T>) {
  try {
    return { ok: true as const, value: await action() };
  } catch (error) {
    return { ok: false as const, error: describeError(error) };
  }
}

const path = join(disk, 'runs.db');

// 1. A new database on a full disk.
fillDisk(disk);
const openNew = attempt(() => new SqliteCheckpointer({ path: join(disk, 'new.db') }).close());
freeDisk(disk);

// 2. The disk fills up while a run writes.
const store = new SqliteCheckpointer({ path });
let saved = 0;
for (let version = 1; version <= 3; version++) {
  await store.save(checkpoint(version));
  saved = version;
}
fillDisk(disk);
const save = await attemptAsync(() => store.save(checkpoint(saved + 1)));
const putEffect = await attemptAsync(() => store.putEffect(entry));
const close = attempt(() => store.close());

// 3. An existing database opened while the disk is still full.
const openFull = attempt(() => {
  const again = new SqliteCheckpointer({ path });
  try {
    return { threads: 'ok' };
  } finally {
    again.close();
  }
});

// 4. Space freed: open, read everything back, check, go on.
freeDisk(disk);
const reopened = await attemptAsync(async () => {
  const again = new SqliteCheckpointer({ path });
  try {
    const versions = [];
    for (let version = 1; version <= saved; version++) {
      versions.push((await again.get('t', version))?.version);
    }
    const latest = (await again.latest('t'))?.version;
    await again.save(checkpoint(saved + 1));
    return { versions, latest, next: (await again.latest('t'))?.version };
  } finally {
    again.close();
  }
});
const db = new DatabaseSync(path);
const integrity = (db.prepare('PRAGMA integrity_check').get() as { integrity_check: string })
  .integrity_check;
db.close();

process.stdout.write(
  `${JSON.stringify({ saved, openNew, save, putEffect, close, openFull, reopened, integrity })}\n`,
);
