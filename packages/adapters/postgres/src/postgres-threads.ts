import type {
  DueThread,
  EraseOptions,
  EraseResult,
  ListDueOptions,
  ListTenantThreadsOptions,
  ListThreadsOptions,
  PruneOptions,
  PruneResult,
  RunStatus,
  StoredThread,
} from '@agentchart/core';
import {
  type ErasedRows,
  eraseInBatches,
  listTenantThreadsInPages,
  liveLeaseError,
  pruneInBatches,
} from '@agentchart/core/internal';
import pg from 'pg';
import { runAgainIfEndedForAnother } from './run-again';
import { withTransaction } from './with-connection';

/** The tables of one checkpointer, schema-qualified and quoted. */
export interface PostgresTables {
  checkpoints: string;
  effects: string;
  leases: string;
  threads: string;
}

/**
 * Creates `agentchart_threads` — one row per thread: its newest version, status and time,
 * and its wake time — with an index on the wake time of waiting threads (what schedulers
 * read) and one on status and age (listing, retention). A database made before the table
 * existed gets it filled from its checkpoints once. Runs inside the caller's transaction.
 */
export async function createThreadsTable(client: pg.PoolClient, tables: PostgresTables) {
  const existed = await client.query<{ found: string | null }>('SELECT to_regclass($1) AS found', [
    tables.threads,
  ]);
  await client.query(`CREATE TABLE IF NOT EXISTS ${tables.threads} (
    thread_id text PRIMARY KEY,
    version integer NOT NULL,
    status text NOT NULL,
    updated_at double precision NOT NULL,
    wake_at double precision)`);
  const base = tables.threads.replaceAll('"', '').split('.').at(-1)!;
  await client.query(
    `CREATE INDEX IF NOT EXISTS ${base}_due ON ${tables.threads} (wake_at) WHERE status = 'waiting'`,
  );
  await client.query(
    `CREATE INDEX IF NOT EXISTS ${base}_by_status ON ${tables.threads} (status, updated_at)`,
  );
  await createThreadPrefixIndex(client, tables);
  if (existed.rows[0]?.found === null) await backfillThreads(client, tables);
}

/**
 * Fills a new `agentchart_threads` from the checkpoints of a database made before it: one
 * statement, reading each thread's wake time with PostgreSQL's JSON operators. A state those
 * operators refuse (a NUL character, which JSON writes as \u0000 and any start input, event
 * or tool output may hold; a lone surrogate; a damaged row) failed that statement, and with
 * it the transaction that creates the tables: the upgraded store could not open its database.
 * Then the states are read here instead, a page at a time, and one that does not parse has no
 * wake time.
 */
async function backfillThreads(client: pg.PoolClient, tables: PostgresTables): Promise<void> {
  await client.query('SAVEPOINT agentchart_threads_backfill');
  try {
    await client.query(`INSERT INTO ${tables.threads} (thread_id, version, status, updated_at, wake_at)
      SELECT DISTINCT ON (thread_id) thread_id, version, status, created_at,
        (state::jsonb ->> 'wakeAt')::double precision
      FROM ${tables.checkpoints} ORDER BY thread_id, version DESC
      ON CONFLICT (thread_id) DO NOTHING`);
    await client.query('RELEASE SAVEPOINT agentchart_threads_backfill');
  } catch (error) {
    if (!(error instanceof pg.DatabaseError && unreadableJson.has(error.code ?? ''))) throw error;
    await client.query('ROLLBACK TO SAVEPOINT agentchart_threads_backfill');
    await backfillThreadsInPages(client, tables);
  }
}

/** Threads per page of {@link backfillThreadsInPages}. */
const backfillPage = 500;

async function backfillThreadsInPages(client: pg.PoolClient, tables: PostgresTables) {
  for (let after = ''; ; ) {
    const { rows } = await client.query<{
      thread_id: string;
      version: number;
      status: string;
      created_at: number;
      state: string;
    }>(
      `SELECT DISTINCT ON (thread_id) thread_id, version, status, created_at, state
       FROM ${tables.checkpoints} WHERE thread_id > $1
       ORDER BY thread_id, version DESC LIMIT ${backfillPage}`,
      [after],
    );
    if (rows.length === 0) return;
    after = rows.at(-1)!.thread_id;
    const values = rows.flatMap((row) => [
      row.thread_id,
      row.version,
      row.status,
      row.created_at,
      wakeAtOfState(row.state),
    ]);
    const tuples = rows.map((_, row) => {
      const first = row * 5;
      return `($${first + 1}, $${first + 2}, $${first + 3}, $${first + 4}, $${first + 5}::double precision)`;
    });
    await client.query(
      `INSERT INTO ${tables.threads} (thread_id, version, status, updated_at, wake_at)
       VALUES ${tuples.join(', ')} ON CONFLICT (thread_id) DO NOTHING`,
      values,
    );
  }
}

/** The wake time a stored checkpoint's JSON holds, or null (none, or not JSON). */
function wakeAtOfState(state: string): number | null {
  try {
    const wakeAt = (JSON.parse(state) as { wakeAt?: unknown }).wakeAt;
    return typeof wakeAt === 'number' && Number.isFinite(wakeAt) ? wakeAt : null;
  } catch {
    return null;
  }
}

/** The store's threads (in `status`), least recently updated first. */
export async function listStoredThreads(
  pool: pg.Pool,
  tables: PostgresTables,
  { status }: ListThreadsOptions = {},
): Promise<StoredThread[]> {
  const { rows } = await pool.query<{
    thread_id: string;
    version: number;
    status: RunStatus;
    updated_at: number;
  }>(
    `SELECT thread_id, version, status, updated_at FROM ${tables.threads}
     WHERE $1::text IS NULL OR status = $1 ORDER BY updated_at, thread_id`,
    [status ?? null],
  );
  return rows.map((row) => ({
    threadId: row.thread_id,
    version: row.version,
    status: row.status,
    updatedAt: row.updated_at,
  }));
}

/** Waiting threads whose wake time has come, soonest first (the partial index's order). */
export async function listDueThreads(
  pool: pg.Pool,
  tables: PostgresTables,
  { now, limit }: ListDueOptions,
): Promise<DueThread[]> {
  const { rows } = await pool.query<{ thread_id: string; wake_at: number }>(
    `SELECT thread_id, wake_at FROM ${tables.threads}
     WHERE status = 'waiting' AND wake_at <= $1 ORDER BY wake_at LIMIT $2`,
    [now, limit],
  );
  return rows.map((row) => ({ threadId: row.thread_id, wakeAt: row.wake_at }));
}

/**
 * Retention: ended threads' rows deleted in batches, one short transaction each; a child
 * agent's thread stays while its parent is live (see `Checkpointer.prune`).
 */
export function pruneThreads(
  pool: pg.Pool,
  tables: PostgresTables,
  options: PruneOptions,
): Promise<PruneResult> {
  return pruneInBatches(options, {
    async select(statuses, before, limit, from) {
      // A child agent's thread (`<parent>/<effect key>`, the key ending `#<occurrence>`)
      // stays while its parent is live: the parent may not have journaled the child's outcome
      // yet. One lookup of the parent by its key for each thread read. $4 is where the
      // previous batch ended.
      const { rows } = await pool.query<{ thread_id: string; updated_at: number }>(
        `SELECT thread_id, updated_at FROM ${tables.threads} AS t
         WHERE status IN (SELECT json_array_elements_text($1::json))
           AND updated_at >= $4 AND updated_at < $2
           AND NOT EXISTS (SELECT 1 FROM ${tables.threads} AS parent
             WHERE t.thread_id ~ '/[^/]+#[0-9]+$'
               AND parent.thread_id = regexp_replace(t.thread_id, '/[^/]+#[0-9]+$', '')
               AND parent.status IN ('running', 'waiting'))
         ORDER BY updated_at LIMIT $3`,
        [statuses, before, limit, from],
      );
      return rows.map((row) => ({ threadId: row.thread_id, updatedAt: row.updated_at }));
    },
    async remove(threadIds) {
      // A batch the server ended for a deadlock is run again on its own: the batches before
      // it are committed, and counted.
      return runAgainIfEndedForAnother(() =>
        withTransaction(pool, (client) => deleteThreadRows(client, tables, threadIds)),
      );
    },
  });
}

/**
 * Erasure: whole threads and their child agents' threads deleted, a batch per transaction,
 * refused while a run holds one of their leases (see `Checkpointer.erase`). The run log rows
 * go with their journal rows (its foreign key cascades).
 */
export function eraseThreads(
  pool: pg.Pool,
  tables: PostgresTables,
  threadIds: readonly string[],
  options: EraseOptions,
): Promise<EraseResult> {
  const leaseOf = (row: { thread_id: string; owner: string; expires_at: number }) => ({
    threadId: row.thread_id,
    owner: row.owner,
    expiresAt: row.expires_at,
  });
  return eraseInBatches(threadIds, options, {
    async under(ids) {
      const { rows } = await pool.query<{ thread_id: string }>(childThreadsQuery(tables), [ids]);
      return rows.map((row) => row.thread_id);
    },
    async liveLeases(ids, now) {
      const { rows } = await pool.query<{ thread_id: string; owner: string; expires_at: number }>(
        `SELECT thread_id, owner, expires_at FROM ${tables.leases}
         WHERE thread_id = ANY($1::text[]) AND expires_at > $2`,
        [ids, now],
      );
      return rows.map(leaseOf);
    },
    async count(ids) {
      const { rows } = await pool.query<ErasedRows>(
        `SELECT (SELECT count(*)::int FROM ${tables.threads} WHERE thread_id = ANY($1::text[])) AS threads,
           (SELECT count(*)::int FROM ${tables.checkpoints} WHERE thread_id = ANY($1::text[])) AS checkpoints,
           (SELECT count(*)::int FROM ${tables.effects} WHERE thread_id = ANY($1::text[])) AS effects`,
        [ids],
      );
      return rows[0]!;
    },
    remove(ids, now) {
      return runAgainIfEndedForAnother(() =>
        withTransaction(pool, async (client) => {
          const list = [ids];
          // Locked until the erase commits: a renewal or a take of one of them waits for it,
          // then finds no lease to renew (its run learns it lost the thread).
          const { rows } = await client.query<{
            thread_id: string;
            owner: string;
            expires_at: number;
          }>(
            `SELECT thread_id, owner, expires_at FROM ${tables.leases}
             WHERE thread_id = ANY($1::text[]) ORDER BY thread_id FOR UPDATE`,
            list,
          );
          const live = rows.filter((row) => row.expires_at > now).map(leaseOf);
          if (live.length > 0) throw liveLeaseError(live, now);
          return deleteThreadRows(client, tables, ids);
        }),
      );
    },
  });
}

/**
 * The threads under any of the ids `$1` (a text array): those whose id begins `<id>/`, found
 * as a range of the thread table's byte-order index ({@link createThreadPrefixIndex}) per id.
 * A prefix under the database's collation is no range of the key's own index (a locale may
 * sort '/' apart from the ids it begins), so `starts_with` read the whole table on every
 * erase batch. In byte order, the ids beginning `<id>/` are exactly those from `<id>/` up to,
 * not including, `<id>0` ('0' follows '/').
 */
export function childThreadsQuery(tables: PostgresTables): string {
  return `SELECT DISTINCT t.thread_id FROM unnest($1::text[]) AS a(id)
    JOIN ${tables.threads} AS t
      ON t.thread_id COLLATE "C" >= (a.id || '/') COLLATE "C"
     AND t.thread_id COLLATE "C" < (a.id || '0') COLLATE "C"`;
}

/**
 * Creates the thread table's index in byte order (`COLLATE "C"`) that makes a thread's
 * children a range ({@link childThreadsQuery}), when it is missing: on a new table, and on one
 * made by an older agentchart (ADR 0086). Runs inside the caller's transaction, which holds
 * the table-creation lock; the build blocks the table's writes while it reads it (one narrow
 * row a thread: seconds for millions of threads).
 */
export async function createThreadPrefixIndex(
  client: pg.PoolClient,
  tables: PostgresTables,
): Promise<void> {
  const base = tables.threads.replaceAll('"', '').split('.').at(-1)!;
  await client.query(
    `CREATE INDEX IF NOT EXISTS ${base}_by_id_bytes ON ${tables.threads} (thread_id COLLATE "C")`,
  );
}

/** Whether the thread table has the index {@link createThreadPrefixIndex} makes. */
export async function hasThreadPrefixIndex(
  client: pg.PoolClient,
  tables: PostgresTables,
): Promise<boolean> {
  const { rows } = await client.query<{ found: string | null }>('SELECT to_regclass($1) AS found', [
    `${tables.threads}_by_id_bytes`,
  ]);
  return rows[0]?.found != null;
}

/**
 * A tenant's threads (see `Checkpointer.listTenantThreads`): the thread table read a page at a
 * time by its key, each thread's newest checkpoint looked up by its key; the run log's tenant
 * index adds the threads charged to the tenant.
 */
export function listThreadsOfTenant(
  pool: pg.Pool,
  tables: PostgresTables & { log: string },
  tenantId: string,
  options: ListTenantThreadsOptions,
): Promise<string[]> {
  return listTenantThreadsInPages(tenantId, options, {
    async page(after, limit) {
      const { rows } = await pool.query<{ thread_id: string }>(
        `SELECT thread_id FROM ${tables.threads} WHERE thread_id > $1 ORDER BY thread_id LIMIT $2`,
        [after, limit],
      );
      const page = rows.map((row) => row.thread_id);
      return { page, matching: await ofTenant(pool, tables, page, tenantId) };
    },
    async charged() {
      const { rows } = await pool.query<{ thread_id: string }>(
        `SELECT DISTINCT thread_id FROM ${tables.log} WHERE tenant_id = $1`,
        [tenantId],
      );
      return rows.map((row) => row.thread_id);
    },
  });
}

/** Those of `threadIds` whose newest checkpoint names `tenantId`. */
async function ofTenant(
  pool: pg.Pool,
  tables: PostgresTables,
  threadIds: readonly string[],
  tenantId: string,
): Promise<string[]> {
  const newest = `FROM ${tables.threads} AS t JOIN ${tables.checkpoints} AS c
    ON c.thread_id = t.thread_id AND c.version = t.version WHERE t.thread_id = ANY($1::text[])`;
  try {
    const { rows } = await pool.query<{ thread_id: string }>(
      `SELECT t.thread_id ${newest} AND c.state::jsonb -> 'run' ->> 'tenantId' = $2`,
      [threadIds, tenantId],
    );
    return rows.map((row) => row.thread_id);
  } catch (error) {
    // A row PostgreSQL's JSON operators cannot read fails the whole page: a damaged one (not
    // JSON, 22P02), or one holding a NUL character, which JSON writes as \u0000 and any
    // tenant can store (a start input, an event, a page a tool read) but which PostgreSQL
    // refuses to turn into text (22P05). Read the page's states here instead, where one that
    // does not parse names no tenant.
    if (!(error instanceof pg.DatabaseError && unreadableJson.has(error.code ?? ''))) throw error;
    const { rows } = await pool.query<{ thread_id: string; state: string }>(
      `SELECT t.thread_id, c.state ${newest}`,
      [threadIds],
    );
    return rows.filter((row) => tenantOfState(row.state) === tenantId).map((row) => row.thread_id);
  }
}

/** SQLSTATEs of a JSON text PostgreSQL cannot read: invalid syntax, untranslatable character. */
const unreadableJson = new Set(['22P02', '22P05']);

/** The tenant a stored checkpoint's JSON names, or undefined (none, or not JSON). */
function tenantOfState(state: string): string | undefined {
  try {
    return (JSON.parse(state) as { run?: { tenantId?: string } }).run?.tenantId;
  } catch {
    return undefined;
  }
}

/** Options of `PostgresCheckpointer.claimDue`: those of `listDue`, and how long a claim holds. */
export interface ClaimDueOptions extends ListDueOptions {
  /**
   * How long a claim holds: the claimed threads' wake time moves this far ahead, so other
   * schedulers skip them; a thread whose wake-up job was never sent (its scheduler died)
   * is due again after it. The woken run's next checkpoint sets its real wake time.
   */
  claimMs: number;
}

/**
 * Claims waiting threads that are due, for one scheduler among many: rows locked with
 * SKIP LOCKED and their wake time pushed ahead in one statement, so two schedulers polling
 * at once never claim the same thread.
 */
export async function claimDueThreads(
  pool: pg.Pool,
  tables: PostgresTables,
  { now, limit, claimMs }: ClaimDueOptions,
): Promise<DueThread[]> {
  const { rows } = await pool.query<{ thread_id: string; wake_at: number }>(
    `WITH due AS (
       SELECT thread_id, wake_at FROM ${tables.threads}
       WHERE status = 'waiting' AND wake_at <= $1 ORDER BY wake_at LIMIT $2
       FOR UPDATE SKIP LOCKED)
     UPDATE ${tables.threads} t SET wake_at = $1 + $3 FROM due
     WHERE t.thread_id = due.thread_id RETURNING t.thread_id, due.wake_at`,
    [now, limit, claimMs],
  );
  return rows.map((row) => ({ threadId: row.thread_id, wakeAt: row.wake_at }));
}

/**
 * Threads stored `running` whose lease has lapsed (or that were never leased): their owner
 * died mid-step, and nothing continues them until someone resumes them.
 */
export async function listOrphanedThreads(
  pool: pg.Pool,
  tables: PostgresTables,
  { now, limit }: ListDueOptions,
): Promise<string[]> {
  const { rows } = await pool.query<{ thread_id: string }>(
    `SELECT t.thread_id FROM ${tables.threads} t LEFT JOIN ${tables.leases} l ON l.thread_id = t.thread_id
     WHERE t.status = 'running' AND (l.expires_at IS NULL OR l.expires_at <= $1)
     ORDER BY t.updated_at LIMIT $2`,
    [now, limit],
  );
  return rows.map((row) => row.thread_id);
}

/**
 * Deletes every row of `threadIds` — journal (its run log rows cascade), checkpoints, lease,
 * thread — in the caller's transaction: what prune and erase both remove of a thread.
 */
async function deleteThreadRows(
  client: pg.PoolClient,
  tables: PostgresTables,
  threadIds: readonly string[],
): Promise<{ threads: number; checkpoints: number; effects: number }> {
  const ids = [threadIds];
  const effects = await client.query(
    `DELETE FROM ${tables.effects} WHERE thread_id = ANY($1::text[])`,
    ids,
  );
  const checkpoints = await client.query(
    `DELETE FROM ${tables.checkpoints} WHERE thread_id = ANY($1::text[])`,
    ids,
  );
  await client.query(`DELETE FROM ${tables.leases} WHERE thread_id = ANY($1::text[])`, ids);
  const threads = await client.query(
    `DELETE FROM ${tables.threads} WHERE thread_id = ANY($1::text[])`,
    ids,
  );
  return {
    threads: threads.rowCount ?? 0,
    checkpoints: checkpoints.rowCount ?? 0,
    effects: effects.rowCount ?? 0,
  };
}
