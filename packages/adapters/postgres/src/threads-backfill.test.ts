import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkpointOf } from '../test/fixtures';
import { PostgresCheckpointer } from './postgres-checkpointer';
import { startThrowawayPostgres, type ThrowawayPostgres } from './testing/throwaway-postgres';

let server: ThrowawayPostgres | undefined;

beforeAll(async () => {
  server = await startThrowawayPostgres();
});

afterAll(() => server?.stop());

async function sql(text: string): Promise<Record<string, unknown>[]> {
  const client = new pg.Client({ connectionString: server!.connectionString });
  await client.connect();
  try {
    return (await client.query(text)).rows;
  } finally {
    await client.end();
  }
}

describe('a database made before agentchart_threads', () => {
  it('opens, its threads listed with their wake times, though a checkpoint holds a NUL character', async () => {
    const schema = 'threads_backfill_nul';
    const store = new PostgresCheckpointer({ connectionString: server!.connectionString, schema });
    const waiting = { ...checkpointOf('waiting', 1), wakeAt: 1_800_000_000_000 };
    waiting.run.status = 'waiting';
    const nul = checkpointOf('nul', 1);
    // What any start input, event or tool output may hold: JSON writes it as \u0000, which
    // PostgreSQL's JSON operators refuse to turn into text (22P05).
    nul.snapshot = { ...(nul.snapshot as object), context: { page: 'a\u0000b' } };
    await store.save(waiting);
    await store.save(nul);
    await store.close();
    // As a database written before the table: checkpoints without it.
    await sql(`DROP TABLE ${schema}.agentchart_threads`);

    // Before: the backfill's one statement failed on the NUL, and with it the transaction
    // that creates the tables, so the upgraded store could not open the database at all.
    const reopened = new PostgresCheckpointer({
      connectionString: server!.connectionString,
      schema,
    });
    try {
      expect((await reopened.listThreads()).map(({ threadId }) => threadId).sort()).toEqual([
        'nul',
        'waiting',
      ]);
      expect(await reopened.listDue({ now: 1_900_000_000_000, limit: 10 })).toEqual([
        { threadId: 'waiting', wakeAt: 1_800_000_000_000 },
      ]);
      expect((await reopened.latest('nul'))?.snapshot).toMatchObject({
        context: { page: 'a\u0000b' },
      });
    } finally {
      await reopened.close();
    }
  });
});
