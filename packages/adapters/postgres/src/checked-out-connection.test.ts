import type { JournalEntry } from '@agentchart/core';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkpointOf } from '../test/fixtures';
import { PostgresCheckpointer } from './postgres-checkpointer';
import { runAgainIfEndedForAnother } from './run-again';
import { startThrowawayPostgres, type ThrowawayPostgres } from './testing/throwaway-postgres';
import { withTransaction } from './with-connection';

let server: ThrowawayPostgres | undefined;
const pools: pg.Pool[] = [];

beforeAll(async () => {
  server = await startThrowawayPostgres();
});

afterAll(async () => {
  try {
    await Promise.all(pools.map((pool) => pool.end()));
  } finally {
    server?.stop();
  }
});

/**
 * A pool whose next checked-out connection the server has just ended (`pg_terminate_backend`,
 * what a restart or a failover does): pg reports that on the connection as an 'error' event,
 * which the pool hears only while the connection is idle in it.
 */
async function poolWhoseNextConnectionIsKilled(connectionString: string) {
  const pool = new pg.Pool({ connectionString, max: 2 });
  const admin = new pg.Pool({ connectionString, max: 1 });
  pools.push(pool, admin);
  pool.on('error', () => undefined);
  const connect = pool.connect.bind(pool) as (
    callback: (error: Error | undefined, client?: pg.PoolClient, done?: unknown) => void,
  ) => void;
  let armed = true;
  // The first connection checked out (the store checks out with a callback, as pool.query
  // does) is the one killed.
  pool.connect = ((callback: Parameters<typeof connect>[0]) =>
    connect((error, client, done) => {
      if (client && armed) killed(client);
      callback(error, client, done);
    })) as typeof pool.connect;
  const killed = (client: pg.PoolClient) => {
    armed = false;
    // The server ends the connection as its first query is sent: while the store holds it.
    const query = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>;
    let first = true;
    (client as unknown as { query: unknown }).query = async (...args: unknown[]) => {
      if (first) {
        first = false;
        await terminate((client as unknown as { processID: number }).processID);
      }
      return query(...args);
    };
  };
  /** Ends the backend `pid` and waits until it is gone, and its connection with it. */
  const terminate = async (pid: number) => {
    await admin.query('SELECT pg_terminate_backend($1)', [pid]);
    for (let tries = 0; tries < 500; tries++) {
      const { rows } = await admin.query<{ alive: number }>(
        'SELECT count(*)::int AS alive FROM pg_stat_activity WHERE pid = $1',
        [pid],
      );
      if (rows[0]?.alive === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    // The server's notice of it reaches the client a turn of the event loop later.
    await new Promise((resolve) => setTimeout(resolve, 50));
  };
  return pool;
}

describe('PostgresCheckpointer on a connection the server ends while it is checked out', () => {
  it('fails the operation with a storage error instead of crashing the process (57P01)', async () => {
    const pool = await poolWhoseNextConnectionIsKilled(server!.connectionString);
    const checkpointer = new PostgresCheckpointer({ pool });
    // Creating the tables checks a connection out and holds it across several queries.
    await expect(checkpointer.listThreads()).rejects.toMatchObject({
      name: 'StorageError',
      code: 'storage.unavailable',
    });
    // The pool opens a new connection for the next operation.
    expect(await checkpointer.listThreads()).toEqual([]);
    await checkpointer.close();
  });
});

describe('PostgresCheckpointer after a statement timed out inside a transaction', () => {
  it('destroys the connection instead of reusing it, so the next write is committed, not left in the failed transaction', async () => {
    const { connectionString } = server!;
    // One connection, and statements that give up after 300 ms on the client's side.
    const pool = new pg.Pool({ connectionString, max: 1, query_timeout: 300 });
    pool.on('error', () => undefined);
    pools.push(pool);
    const store = new PostgresCheckpointer({ pool });
    const reader = new PostgresCheckpointer({ connectionString });
    try {
      await store.save(checkpointOf('stalled', 1, 'run-a'));
      // Another session holds the checkpoints table: the transaction's statements wait on it.
      const locker = new pg.Client({ connectionString });
      await locker.connect();
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE agentchart_checkpoints IN ACCESS EXCLUSIVE MODE');
      const result: JournalEntry = {
        threadId: 'stalled',
        key: 'k',
        site: 's',
        kind: 'tool',
        effect: 'pure',
        name: 'work',
        status: 'completed',
        startedAt: 1,
        finishedAt: 2,
        output: 1,
      };
      await expect(
        store.saveWithJournal(checkpointOf('stalled', 2, 'run-a'), [result]),
      ).rejects.toMatchObject({ name: 'StorageError', code: 'storage.timeout' });
      await locker.query('COMMIT');
      await locker.end();

      // Reused, the connection was still inside the failed transaction: this save resolved
      // and was never committed.
      await store.save(checkpointOf('after-timeout', 1, 'run-a'));
      expect((await reader.latest('after-timeout'))?.version).toBe(1);
      // The timed-out step left nothing behind.
      expect((await reader.latest('stalled'))?.version).toBe(1);
      expect(await reader.listEffects('stalled')).toEqual([]);
    } finally {
      await reader.close();
    }
  });
});

describe('work the server ends for a serialization failure', () => {
  it('is run again from the start, and committed once: a transaction', async () => {
    const { connectionString } = server!;
    const pool = new pg.Pool({ connectionString, max: 2 });
    pools.push(pool);
    const other = new pg.Client({ connectionString });
    await other.connect();
    try {
      await pool.query('CREATE TABLE serial_notes (note text)');
      const attempts: string[] = [];
      await runAgainIfEndedForAnother(() =>
        withTransaction(pool, async (client) => {
          await client.query('SET TRANSACTION ISOLATION LEVEL SERIALIZABLE');
          const { rows } = await client.query<{ n: number }>(
            'SELECT count(*)::int AS n FROM serial_notes',
          );
          attempts.push(`saw ${rows[0]!.n}`);
          if (attempts.length === 1) {
            // Another serializable transaction reads the same table, writes, commits first.
            await other.query('BEGIN ISOLATION LEVEL SERIALIZABLE');
            await other.query('SELECT count(*) FROM serial_notes');
            await other.query("INSERT INTO serial_notes VALUES ('theirs')");
            await other.query('COMMIT');
          }
          await client.query("INSERT INTO serial_notes VALUES ('ours')");
        }),
      );
      // The first attempt was ended (40001) and left nothing; the second saw their note.
      expect(attempts).toEqual(['saw 0', 'saw 1']);
      const { rows } = await pool.query<{ note: string }>(
        'SELECT note FROM serial_notes ORDER BY note',
      );
      expect(rows.map((row) => row.note)).toEqual(['ours', 'theirs']);
    } finally {
      await other.end();
    }
  });

  it("is run again from the start, and committed once: a store's save, on a serializable database", async () => {
    const { connectionString } = server!;
    // Every transaction of the store's pool serializable, as a database can be set up to.
    const pool = new pg.Pool({
      connectionString,
      max: 2,
      options: '-c default_transaction_isolation=serializable',
    });
    pools.push(pool);
    const store = new PostgresCheckpointer({ pool });
    const other = new pg.Client({ connectionString });
    await other.connect();
    try {
      await store.acquireLease('serial', { owner: 'run-a', ttlMs: 60_000, now: 1 });
      await store.save(checkpointOf('serial', 1, 'run-a'));
      // Another session changes the thread's lease row and holds it: the save, which locks
      // that row while it writes, waits for it, and the row it then finds changed since its
      // snapshot ends it with 40001.
      await other.query('BEGIN');
      await other.query(
        "UPDATE agentchart_leases SET expires_at = expires_at + 1 WHERE thread_id = 'serial'",
      );
      const saving = store.save(checkpointOf('serial', 2, 'run-a'));
      for (let tries = 0; ; tries++) {
        const { rows } = await other.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock'",
        );
        if (rows[0]!.n > 0) break;
        if (tries === 500) throw new Error('the save never waited for the lease row');
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      await other.query('COMMIT');
      await saving;
      expect((await store.latest('serial'))?.version).toBe(2);
    } finally {
      await other.end();
    }
  });
});
