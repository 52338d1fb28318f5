/**
 * @module sqlite-commit-shapes
 * `pnpm --filter @agentchart/bench probe:sqlite`: what one checkpoint commit costs on SQLite
 * in three shapes, side by side in alternating rounds: raw XState's store (one row, one
 * autocommit insert), core's `SqliteCheckpointer` schema as it writes today (the thread's
 * head row compare-and-set, then the checkpoint row), and the same schema with the
 * compare-and-set on the checkpoint row's key alone (no head row written per commit). Only
 * the SQL is timed: no encoding, no harness. It measures a proposed change; see
 * docs/performance.md.
 */
import Database from 'better-sqlite3';
import { median } from '../measure/memory';
import { tempDir } from '../stores/temp-dir';

const { DatabaseSync } = process.getBuiltinModule('node:sqlite');

/** About the size of a chain10 delta row. */
const state = 'x'.repeat(250);
const versionsPerThread = 11;

const schema = `PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;
CREATE TABLE threads (thread_id TEXT PRIMARY KEY, version INTEGER NOT NULL, owner TEXT,
  status TEXT NOT NULL, updated_at INTEGER NOT NULL) STRICT;
CREATE TABLE checkpoints (thread_id TEXT NOT NULL, version INTEGER NOT NULL,
  machine_version TEXT NOT NULL, status TEXT NOT NULL, created_at INTEGER NOT NULL, owner TEXT,
  encoding TEXT NOT NULL, state TEXT NOT NULL, PRIMARY KEY (thread_id, version)) STRICT, WITHOUT ROWID;`;

type Commit = (threadId: string, version: number) => void;

/** Databases to close at the end. */
const opened: { close(): void }[] = [];

function rawInsert(path: string): Commit {
  const db = new Database(path);
  opened.push(db);
  db.pragma('journal_mode = WAL');
  db.exec(
    'CREATE TABLE snapshots (thread_id TEXT NOT NULL, step INTEGER NOT NULL, snapshot TEXT NOT NULL, PRIMARY KEY (thread_id, step))',
  );
  const insert = db.prepare('INSERT INTO snapshots VALUES (?, ?, ?)');
  return (threadId, version) => insert.run(threadId, version, state);
}

/** The statements `SqliteCheckpointer.save` runs. */
function headAndRow(path: string): Commit {
  const db = new DatabaseSync(path);
  opened.push(db);
  db.exec(schema);
  const begin = db.prepare('BEGIN IMMEDIATE');
  const commit = db.prepare('COMMIT');
  const createHead = db.prepare(
    'INSERT INTO threads VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (thread_id) DO NOTHING',
  );
  const advanceHead = db.prepare(
    'UPDATE threads SET version = ?2, owner = ?3, status = ?4, updated_at = ?5 WHERE thread_id = ?1 AND version = ?2 - 1',
  );
  const insert = db.prepare(
    "INSERT INTO checkpoints VALUES (?, ?, 'm', 'running', 0, 'o', 'delta', ?)",
  );
  return (threadId, version) => {
    begin.run();
    const head = version === 1 ? createHead : advanceHead;
    if (Number(head.run(threadId, version, 'o', 'running', 0).changes) !== 1) {
      throw new Error(`head of ${threadId} is not at ${version - 1}`);
    }
    insert.run(threadId, version, state);
    commit.run();
  };
}

/** The proposal: the checkpoint row's key is the compare-and-set; the head row is written once. */
function rowOnly(path: string): Commit {
  const db = new DatabaseSync(path);
  opened.push(db);
  db.exec(schema);
  const begin = db.prepare('BEGIN IMMEDIATE');
  const commit = db.prepare('COMMIT');
  const createHead = db.prepare(
    'INSERT INTO threads VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (thread_id) DO NOTHING',
  );
  const insert = db.prepare(
    `INSERT INTO checkpoints SELECT ?1, ?2, 'm', 'running', 0, 'o', 'delta', ?3
     WHERE ?2 = 1 OR EXISTS (SELECT 1 FROM checkpoints WHERE thread_id = ?1 AND version = ?2 - 1)`,
  );
  return (threadId, version) => {
    begin.run();
    if (version === 1) createHead.run(threadId, version, 'o', 'running', 0);
    if (Number(insert.run(threadId, version, state).changes) !== 1) {
      throw new Error(`version ${version - 1} of ${threadId} is missing`);
    }
    commit.run();
  };
}

const dir = tempDir('probe-sqlite');
try {
  const shapes: [string, Commit][] = [
    ['raw XState store: one autocommit insert (better-sqlite3)', rawInsert(dir.file('raw.db'))],
    ['SqliteCheckpointer today: head row CAS + checkpoint row', headAndRow(dir.file('head.db'))],
    ['proposal: checkpoint row only, CAS on its key', rowOnly(dir.file('row.db'))],
  ];
  const perCommit = new Map<string, number[]>(shapes.map(([name]) => [name, []]));
  let thread = 0;
  for (let round = 0; round < 20; round++) {
    const ordered = round % 2 === 0 ? shapes : [...shapes].reverse();
    for (const [name, write] of ordered) {
      const started = performance.now();
      let commits = 0;
      while (performance.now() - started < 200) {
        const threadId = `t${thread++}`;
        for (let version = 1; version <= versionsPerThread; version++) write(threadId, version);
        commits += versionsPerThread;
      }
      perCommit.get(name)!.push(((performance.now() - started) * 1000) / commits);
    }
  }
  const raw = perCommit.get(shapes[0]![0])!;
  for (const [name, rounds] of perCommit) {
    const ratio = median(rounds.map((value, index) => value / raw[index]!));
    console.log(
      `${name.padEnd(60)} ${median(rounds).toFixed(1)} µs/commit  ${ratio.toFixed(2)}× raw`,
    );
  }
} finally {
  for (const db of opened) db.close();
  dir.remove();
}
