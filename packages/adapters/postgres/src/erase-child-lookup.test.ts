import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkpointOf } from '../test/fixtures';
import { PostgresCheckpointer } from './postgres-checkpointer';
import { startThrowawayPostgres, type ThrowawayPostgres } from './testing/throwaway-postgres';

let server: ThrowawayPostgres | undefined;
let admin: pg.Client | undefined;

beforeAll(async () => {
  server = await startThrowawayPostgres();
  admin = new pg.Client({ connectionString: server.connectionString });
  await admin.connect();
});

afterAll(async () => {
  try {
    await admin?.end();
  } finally {
    server?.stop();
  }
});

/** A statement a store sent through its pool, with its values. */
interface Sent {
  text: string;
  values: unknown[];
}

/** A store on its own pool, recording the statements it sends through the pool. */
function recordingStore(schema: string) {
  const pool = new pg.Pool({ connectionString: server!.connectionString, max: 2 });
  const sent: Sent[] = [];
  const query = pool.query.bind(pool) as (text: string, values?: unknown[]) => Promise<unknown>;
  (pool as { query: unknown }).query = (text: unknown, values?: unknown[]) => {
    if (typeof text === 'string') sent.push({ text, values: values ?? [] });
    return query(text as string, values);
  };
  const store = new PostgresCheckpointer({ pool, schema });
  return { store, sent, close: () => store.close().then(() => pool.end()) };
}

/** The plan PostgreSQL makes for `statement`, as text. */
async function planOf({ text, values }: Sent): Promise<string> {
  const { rows } = await admin!.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${text}`, values);
  return rows.map((row) => row['QUERY PLAN']).join('\n');
}

describe("erase's lookup of a thread's child agents' threads on PostgreSQL", () => {
  it('is a range of an index, not a read of the whole thread table', async () => {
    const { store, sent, close } = recordingStore('erase lookup');
    try {
      const root = 'order-7';
      const child = `${root}/0.parent.delegating#0`;
      await store.save(checkpointOf(root, 1));
      await store.save(checkpointOf(child, 1));
      await store.save(checkpointOf(`${root}-other/0.parent.delegating#0`, 1));
      // A store of many threads, its statistics read: the planner weighs a scan against an
      // index as it would in production.
      await admin!.query(`INSERT INTO "erase lookup".agentchart_threads
        (thread_id, version, status, updated_at)
        SELECT 'filler-' || g || '/0.x#0', 1, 'done', 0 FROM generate_series(1, 20000) AS g`);
      await admin!.query('ANALYZE "erase lookup".agentchart_threads');
      sent.length = 0;

      const found = await store.erase([root], { dryRun: true });
      expect(found.threadIds).toEqual([child, root]);

      const reads = sent.filter(({ text }) => /agentchart_threads/.test(text));
      expect(reads.length).toBeGreaterThan(0);
      for (const read of reads) {
        const plan = await planOf(read);
        expect(plan, read.text).not.toMatch(/Seq Scan on agentchart_threads/);
      }
    } finally {
      await close();
    }
  });

  it('gets its index on tables an older agentchart made, when the store is opened', async () => {
    const older = recordingStore('erase older');
    await older.store.save(checkpointOf('t1', 1));
    await older.close();
    // What an older agentchart left: the tables, without the index.
    await admin!.query('DROP INDEX "erase older".agentchart_threads_by_id_bytes');
    const { store, close } = recordingStore('erase older');
    try {
      expect(await store.latest('t1')).toBeDefined();
      const { rows } = await admin!.query<{ found: string | null }>(
        `SELECT to_regclass('"erase older".agentchart_threads_by_id_bytes') AS found`,
      );
      expect(rows[0]?.found).not.toBeNull();
    } finally {
      await close();
    }
  });

  it('opens tables that lack the index under a role that may write them but not change them', async () => {
    const older = recordingStore('erase writer');
    await older.store.save(checkpointOf('t1', 1));
    await older.close();
    await admin!.query('DROP INDEX "erase writer".agentchart_threads_by_id_bytes');
    await admin!.query(`CREATE ROLE erase_writer LOGIN;
      GRANT USAGE ON SCHEMA "erase writer" TO erase_writer;
      GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA "erase writer" TO erase_writer;
      GRANT USAGE ON ALL SEQUENCES IN SCHEMA "erase writer" TO erase_writer`);
    const store = new PostgresCheckpointer({
      connectionString: server!.connectionString.replace('//postgres@', '//erase_writer@'),
      schema: 'erase writer',
    });
    try {
      await store.save(checkpointOf('t2', 1));
      await store.save(checkpointOf('t2/0.parent.delegating#0', 1));
      expect((await store.erase(['t2'], { dryRun: true })).threadIds).toEqual([
        't2/0.parent.delegating#0',
        't2',
      ]);
    } finally {
      await store.close();
    }
  });
});
