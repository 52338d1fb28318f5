import pg from 'pg';

/**
 * SQLSTATEs of a transaction the server ended so that another could go on: a deadlock
 * (40P01), or a serialization failure (40001, under `default_transaction_isolation` set to
 * `repeatable read` or `serializable`). Nothing of it was committed, and the same work run
 * again usually succeeds.
 */
const endedForAnother = new Set(['40P01', '40001']);

/** Times the work is run when the server keeps ending it as above. */
const attempts = 3;

/**
 * Runs `work`, and again from the start when the server ended a transaction of it for a
 * deadlock or a serialization failure, up to three times in all. `work` must be safe to run
 * again after such a failure: each of its statements either committed before, or not at all.
 */
export async function runAgainIfEndedForAnother<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      const ended = error instanceof pg.DatabaseError && endedForAnother.has(error.code ?? '');
      if (!ended || attempt === attempts) throw error;
    }
  }
}
