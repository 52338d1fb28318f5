import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresCheckpointer } from './postgres-checkpointer';
import { startThrowawayPostgres, type ThrowawayPostgres } from './testing/throwaway-postgres';

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
  const connect = pool.connect.bind(pool);
  let armed = true;
  pool.connect = ((callback?: unknown) => {
    // pool.query checks out with a callback: those go on as they are.
    if (callback) return connect(callback as never);
    return killed();
  }) as typeof pool.connect;
  const killed = async () => {
    const client = await connect();
    if (armed) {
      armed = false;
      const pid = (client as unknown as { processID: number }).processID;
      await admin.query('SELECT pg_terminate_backend($1)', [pid]);
    }
    return client;
  };
  return pool;
}

describe('PostgresCheckpointer on a connection the server ends while it is checked out', () => {
  it('fails the operation with a storage error instead of crashing the process (57P01)', async () => {
    const pool = await poolWhoseNextConnectionIsKilled(server!.connectionString);
    const checkpointer = new PostgresCheckpointer({ pool });
    // Creating the tables checks a connection out and holds it across several queries.
    await expect(checkpointer.listThreads()).rejects.toMatchObject({ name: 'StorageError' });
    // The pool opens a new connection for the next operation.
    expect(await checkpointer.listThreads()).toEqual([]);
    await checkpointer.close();
  });
});
