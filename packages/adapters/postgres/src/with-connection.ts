import { CheckpointError } from '@agentchart/core';
import pg from 'pg';

/**
 * Connections left in a state nobody knows (a statement that timed out on the client's side
 * inside a transaction, a `ROLLBACK` that failed): destroyed when given back, never reused.
 * Reused, such a connection could still be inside the failed transaction, and every write
 * made on it afterwards would resolve and never be committed.
 */
const unusable = new WeakMap<pg.PoolClient, Error>();

/**
 * Runs `work` on a connection checked out of `pool`, then gives it back.
 *
 * pg reports a connection the server ends (a restart, a failover, `pg_terminate_backend`:
 * SQLSTATE 57P01) as an 'error' event on it, even while a query on it is failing with the same
 * error. The pool listens for that only while the connection is idle in it: on one checked out,
 * unheard, the event would crash the process. It is heard here while the connection is out; the
 * query that met the broken connection fails as usual, and the connection is destroyed rather
 * than given to the next caller.
 */
export async function withConnection<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  const heard = (error: Error) => {
    broken ??= error;
  };
  client.on('error', heard);
  try {
    return await work(client);
  } finally {
    broken ??= unusable.get(client);
    // A broken connection keeps the listener: it may still report errors as it closes.
    if (broken === undefined) client.off('error', heard);
    client.release(broken);
  }
}

/** Runs `work` in one transaction on a connection checked out of `pool` (see {@link inTransaction}). */
export function withTransaction<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  return withConnection(pool, (client) => inTransaction(client, () => work(client)));
}

/**
 * Runs `work` between `BEGIN` and `COMMIT` on `client`, a connection checked out with
 * {@link withConnection}. When `work` fails, nothing it wrote stays: an error the server
 * reported, or a refusal of the store's own, is rolled back; any other failure (a statement
 * that timed out on the client's side, a connection lost) leaves the connection in a state
 * nobody knows, and it is destroyed instead of going back to the pool.
 */
export async function inTransaction<T>(client: pg.PoolClient, work: () => Promise<T>): Promise<T> {
  try {
    await client.query('BEGIN');
    const result = await work();
    await client.query('COMMIT');
    return result;
  } catch (error) {
    if (error instanceof pg.DatabaseError || error instanceof CheckpointError) {
      await client.query('ROLLBACK').catch((failed: unknown) => markUnusable(client, failed));
    } else {
      markUnusable(client, error);
    }
    throw error;
  }
}

function markUnusable(client: pg.PoolClient, error: unknown): void {
  if (!unusable.has(client)) {
    unusable.set(client, error instanceof Error ? error : new Error(String(error)));
  }
}
