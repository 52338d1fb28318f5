import type { JournalEntry } from '@agentchart/core';
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

const intent = (threadId: string, key: string): JournalEntry => ({
  threadId,
  key,
  site: 'work',
  kind: 'tool',
  effect: 'unsafe',
  name: 'send',
  status: 'started',
  startedAt: 1,
  input: { to: 'a@example.com' },
});

describe('a journal write racing an erase on PostgreSQL', () => {
  it('waits for the erase under way and is then refused: it does not bring the thread back', async () => {
    const store = new PostgresCheckpointer({ connectionString: server!.connectionString });
    const eraser = new pg.Client({ connectionString: server!.connectionString });
    await eraser.connect();
    try {
      for (const [thread, leased] of [
        ['race-leased', true],
        ['race-unleased', false],
      ] as const) {
        // A run whose lease lapsed (or a thread never leased) is being erased.
        if (leased) await store.acquireLease(thread, { owner: 'r1', ttlMs: 1_000, now: 1_000 });
        await store.save(checkpointOf(thread, 1, 'r1'));
        await eraser.query('BEGIN');
        // What an erase's batch does, its transaction still open: the lease rows locked, then
        // every row of the thread deleted.
        await eraser.query('SELECT 1 FROM agentchart_leases WHERE thread_id = $1 FOR UPDATE', [
          thread,
        ]);
        for (const table of [
          'agentchart_effects',
          'agentchart_checkpoints',
          'agentchart_leases',
          'agentchart_threads',
        ]) {
          await eraser.query(`DELETE FROM ${table} WHERE thread_id = $1`, [thread]);
        }
        // The stalled run writes meanwhile: it must wait for the erase, then find nothing.
        const write = store.putEffect(intent(thread, 'k1'), { owner: 'r1' });
        const settled = write.then(
          () => 'written',
          (error: { code?: string }) => error.code,
        );
        await expect
          .poll(async () => {
            const { rows } = await eraser.query<{ waiting: number }>(
              "SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE wait_event_type = 'Lock'",
            );
            return rows[0]?.waiting;
          })
          .toBe(1);
        await eraser.query('COMMIT');
        expect(await settled).toBe('checkpoint.conflict');
        expect(await store.listEffects(thread)).toEqual([]);
      }
    } finally {
      await eraser.end();
      await store.close();
    }
  });
});
