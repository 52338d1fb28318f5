import type pg from 'pg';

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
    // A broken connection keeps the listener: it may still report errors as it closes.
    if (broken === undefined) client.off('error', heard);
    client.release(broken);
  }
}
