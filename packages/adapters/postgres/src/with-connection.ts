import { CheckpointError, StorageError } from '@agentchart/core';
import pg from 'pg';

/**
 * Connections whose `ROLLBACK` failed: destroyed when given back, never reused. Reused, such
 * a connection could still be inside the failed transaction, and every write made on it
 * afterwards would resolve and never be committed.
 */
const unusable = new WeakMap<pg.PoolClient, Error>();

/**
 * Whether a connection that met `error` is still in a state one knows: the server answered
 * (an error it reported), or the store refused on its own (a conflict, a lease held, a
 * timeout of its own waiting). Anything else — a statement that timed out on the client's
 * side, whose answer may still come, a connection lost — leaves it in a state nobody knows.
 */
function leavesConnectionUsable(error: unknown): boolean {
  return (
    error instanceof pg.DatabaseError ||
    error instanceof CheckpointError ||
    error instanceof StorageError
  );
}

/**
 * Runs `work` on a connection checked out of `pool`, then gives it back — or destroys it,
 * when `work` failed in a way that leaves the connection in a state nobody knows (see
 * `leavesConnectionUsable`): the next caller would get a statement's late answer, or the
 * inside of a transaction that never ends.
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
  let broken: Error | undefined;
  const heard = (error: Error) => {
    broken ??= error;
  };
  const client = await checkOut(pool, heard);
  try {
    return await work(client);
  } catch (error) {
    if (!leavesConnectionUsable(error)) {
      broken ??= error instanceof Error ? error : new Error(String(error));
    }
    throw error;
  } finally {
    broken ??= unusable.get(client);
    // A broken connection keeps the listener: it may still report errors as it closes.
    if (broken === undefined) client.off('error', heard);
    client.release(broken);
  }
}

/**
 * A connection of `pool`, heard by `listener` from the moment the pool hands it over. Heard
 * after `await pool.connect()`, it was not: the server's notice that it ended the connection
 * (57P01, as pg_terminate_backend or a fast shutdown sends it) can come in the same packet as
 * the end of the login, and pg emits it as an 'error' event before the promise's callers run,
 * with nobody listening: an uncaught exception that ended the process.
 */
function checkOut(pool: pg.Pool, listener: (error: Error) => void): Promise<pg.PoolClient> {
  return new Promise((resolve, reject) => {
    pool.connect((error, client) => {
      if (error || client === undefined) {
        reject(error ?? new Error('The pool handed out no connection.'));
        return;
      }
      client.on('error', listener);
      resolve(client);
    });
  });
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
 * {@link withConnection}. When `work` fails, nothing it wrote stays: a failure that leaves the
 * connection in a known state is rolled back; any other destroys the connection (in
 * `withConnection`), and the server ends the transaction with it.
 */
export async function inTransaction<T>(client: pg.PoolClient, work: () => Promise<T>): Promise<T> {
  try {
    await client.query('BEGIN');
    const result = await work();
    await client.query('COMMIT');
    return result;
  } catch (error) {
    if (leavesConnectionUsable(error)) {
      await client.query('ROLLBACK').catch((failed: unknown) => {
        unusable.set(client, failed instanceof Error ? failed : new Error(String(failed)));
      });
    }
    throw error;
  }
}
