import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import {
  maxWritesPerTransaction,
  SqliteWriteBatch,
  type TransactionStatement,
} from './sqlite-write-batch';

const statements: Record<TransactionStatement, string> = {
  begin: 'BEGIN IMMEDIATE',
  commit: 'COMMIT',
  savepoint: 'SAVEPOINT w',
  releaseSavepoint: 'RELEASE w',
  rollbackToSavepoint: 'ROLLBACK TO w',
};

/** A batch on an in-memory database with one table, counting the commits it makes. */
function setup() {
  const db = new DatabaseSync(':memory:');
  db.exec('CREATE TABLE rows (thread TEXT, value INTEGER)');
  const commits = { count: 0, fail: false };
  const batch = new SqliteWriteBatch(db, (statement) => {
    if (statement === 'commit') {
      commits.count++;
      if (commits.fail) throw new Error('disk I/O error');
    }
    db.exec(statements[statement]);
  });
  const insert = (thread: string, value: number) =>
    batch.enqueue(
      () => {
        if (value < 0) throw new Error(`refused ${value}`);
        db.prepare('INSERT INTO rows VALUES (?, ?)').run(thread, value);
        return { value };
      },
      (error) => error,
    );
  const rows = () =>
    (db.prepare('SELECT thread, value FROM rows ORDER BY value').all() as { value: number }[]).map(
      (row) => row.value,
    );
  return { batch, insert, rows, commits };
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('SqliteWriteBatch', () => {
  it('commits a burst in parts a turn of the event loop apart, so the loop is not held', async () => {
    const { insert, rows, commits } = setup();
    const burst = maxWritesPerTransaction * 2 + 100;
    // Before: one transaction for the whole burst; a timer due meanwhile waited for all of it.
    const turnsBetween: number[] = [];
    let turns = 0;
    let counting = true;
    const count = () => {
      turns++;
      if (counting) setImmediate(count);
    };
    setImmediate(count);
    const writes = Array.from({ length: burst }, (_, value) =>
      insert('t', value).then(() => {
        if (turnsBetween.at(-1) !== turns) turnsBetween.push(turns);
      }),
    );
    await Promise.all(writes);
    counting = false;
    expect(commits.count).toBe(3);
    expect(rows()).toHaveLength(burst);
    // The three commits were made in different turns, not one after the other.
    expect(new Set(turnsBetween).size).toBe(3);
  });

  it('commits writes issued together in one transaction, undoing a refused one alone', async () => {
    const { insert, rows, commits } = setup();
    const outcomes = await Promise.allSettled([insert('a', 1), insert('b', -1), insert('c', 3)]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual([
      'fulfilled',
      'rejected',
      'fulfilled',
    ]);
    expect(rows()).toEqual([1, 3]);
    expect(commits.count).toBe(1);
  });

  it("gathers a lone run's writes of one turn into one commit, made before the next turn", async () => {
    const { insert, rows, commits } = setup();
    let committed = false;
    const writes = [insert('a', 1)];
    void writes[0]!.then(() => {
      committed = true;
    });
    // Later in the same turn, as the run's next steps write: the same transaction.
    await Promise.resolve();
    writes.push(insert('a', 2));
    expect(committed).toBe(false);
    await nextTurn();
    expect(committed).toBe(true);
    expect(commits.count).toBe(1);
    expect(rows()).toEqual([1, 2]);
    await Promise.all(writes);
  });

  it('gathers the writes of concurrent runs over a whole turn into one commit', async () => {
    const { insert, rows, commits } = setup();
    await Promise.all([insert('a', 1), insert('b', 2)]);
    expect(commits.count).toBe(1);
    // Two runs writing from separate callbacks of one turn, as timers fire: one commit.
    const writes: Promise<number>[] = [];
    setImmediate(() => writes.push(insert('a', 3)));
    setImmediate(() => writes.push(insert('b', 4)));
    await nextTurn();
    await Promise.all(writes);
    expect(rows()).toEqual([1, 2, 3, 4]);
    expect(commits.count).toBe(2);
  });

  it('fails every write of a transaction that cannot commit, and stores none of them', async () => {
    const { insert, rows, commits } = setup();
    await insert('a', 1);
    commits.fail = true;
    const outcomes = await Promise.allSettled([insert('a', 2), insert('b', 3)]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected']);
    expect(rows()).toEqual([1]);
  });
});
