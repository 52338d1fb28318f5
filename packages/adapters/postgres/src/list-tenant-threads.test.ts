import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkpointOf } from '../test/fixtures';
import { PostgresCheckpointer } from './postgres-checkpointer';
import { startThrowawayPostgres, type ThrowawayPostgres } from './testing/throwaway-postgres';

let server: ThrowawayPostgres | undefined;

beforeAll(async () => {
  server = await startThrowawayPostgres();
});

afterAll(() => server?.stop());

/** A checkpoint of `threadId` for `tenantId`, its context holding `context`. */
function tenantCheckpoint(threadId: string, tenantId: string, context: object = {}) {
  const checkpoint = checkpointOf(threadId, 1);
  checkpoint.run.tenantId = tenantId;
  checkpoint.snapshot = { ...(checkpoint.snapshot as object), context };
  return checkpoint;
}

describe('listTenantThreads on PostgreSQL', () => {
  it("lists a tenant's threads beside another tenant's that stores a NUL character", async () => {
    const store = new PostgresCheckpointer({
      connectionString: server!.connectionString,
      schema: 'nul_beside',
    });
    try {
      await store.save(tenantCheckpoint('acme:1', 'acme'));
      // What any tenant can put in its own thread: a start input, an event, a page a tool read.
      // JSON writes the character as \u0000, which PostgreSQL's JSON operators refuse to turn
      // into text. Before, that failed the query for the whole page of threads (22P05,
      // "unsupported Unicode escape sequence"), so erasing acme's threads failed too.
      await store.save(tenantCheckpoint('evil:1', 'evil', { page: 'a\u0000b' }));
      await store.save(tenantCheckpoint('evil:2', 'evil', { page: 'x\ud800' }));
      expect(await store.listTenantThreads('acme')).toEqual(['acme:1']);
      expect(await store.listTenantThreads('evil')).toEqual(['evil:1', 'evil:2']);
    } finally {
      await store.close();
    }
  });
});
