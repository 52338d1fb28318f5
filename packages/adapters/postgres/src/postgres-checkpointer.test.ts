import { createAgent, humanWait } from '@agentchart/core';
import { checkpointerConformance, manualClock } from '@agentchart/core/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { z } from 'zod';
import { checkpointOf, dyingAfterChild, invoicingParent, toolChain } from '../test/fixtures';
import { PostgresCheckpointer } from './postgres-checkpointer';
import { startThrowawayPostgres, type ThrowawayPostgres } from './testing/throwaway-postgres';

let server: ThrowawayPostgres | undefined;
const opened: PostgresCheckpointer[] = [];

beforeAll(async () => {
  server = await startThrowawayPostgres();
});

afterAll(async () => {
  try {
    await Promise.all(opened.map((checkpointer) => checkpointer.close()));
  } finally {
    server?.stop();
  }
});

/** A checkpointer on the throwaway server, closed after the file's tests. */
function open(schema?: string): PostgresCheckpointer {
  if (!server) throw new Error('the throwaway PostgreSQL did not start');
  const checkpointer = new PostgresCheckpointer({
    connectionString: server.connectionString,
    ...(schema ? { schema } : {}),
  });
  opened.push(checkpointer);
  return checkpointer;
}

describe('PostgresCheckpointer', () => {
  it('keeps its tables in the schema it is given', async () => {
    const store = open('agentchart test');
    await store.save(checkpointOf('t4', 1));
    expect(await store.latest('t4')).toEqual(checkpointOf('t4', 1));
    expect(await open().latest('t4')).toBeUndefined();
  });

  it('creates nothing with createTables: false, failing with storage.not_found where its tables are missing', async () => {
    const looking = new PostgresCheckpointer({
      connectionString: server!.connectionString,
      schema: 'nobody here',
      createTables: false,
    });
    opened.push(looking);
    await expect(looking.listThreads()).rejects.toMatchObject({
      code: 'storage.not_found',
      message: expect.stringContaining('no agentchart tables in schema "nobody here"'),
    });
    const admin = new pg.Client({ connectionString: server!.connectionString });
    await admin.connect();
    try {
      const { rows } = await admin.query(
        "SELECT count(*)::int AS schemas FROM pg_namespace WHERE nspname = 'nobody here'",
      );
      expect(rows[0]).toEqual({ schemas: 0 });
    } finally {
      await admin.end();
    }
    // Where the tables are, it reads them.
    await open('somebody here').save(checkpointOf('t5', 1));
    const reading = new PostgresCheckpointer({
      connectionString: server!.connectionString,
      schema: 'somebody here',
      createTables: false,
    });
    opened.push(reading);
    expect(await reading.latest('t5')).toEqual(checkpointOf('t5', 1));
  });

  it('runs an agent whose human wait is answered by a second agent instance', async () => {
    const machine = setup({
      actors: {
        approve: humanWait({
          prompt: (amount: number) => `Approve a payment of ${amount}?`,
          reply: z.object({ approved: z.boolean() }),
        }),
      },
    }).createMachine({
      id: 'approval',
      initial: 'asking',
      states: {
        asking: {
          invoke: {
            src: 'approve',
            input: 120,
            onDone: [
              { guard: ({ event }) => event.output.approved, target: 'paid' },
              { target: 'declined' },
            ],
          },
        },
        paid: { type: 'final' },
        declined: { type: 'final' },
      },
    });
    const first = createAgent({ machine, checkpointer: open() });
    const waiting = await first.start({ threadId: 'pay-1', input: undefined }).result();
    expect(waiting.status).toBe('waiting');
    expect(waiting.status === 'waiting' && waiting.waits[0]?.prompt).toBe(
      'Approve a payment of 120?',
    );

    // The first process lets go of the thread (its lease is released), as it does when it
    // exits or evicts the waiting run; a second one, with its own pool, answers.
    await first.close();
    // close() gives the lease up without waiting for the store to confirm: wait for it.
    const store = open();
    for (let tries = 0; ((await store.getLease('pay-1'))?.expiresAt ?? 0) !== 0; tries++) {
      if (tries === 500) throw new Error('the first agent never released its lease');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const second = createAgent({ machine, checkpointer: open() });
    const handle = await second.send('pay-1', { type: 'human.reply', value: { approved: true } });
    const done = await handle.result();
    expect(done.status).toBe('done');
    expect(handle.getSnapshot().value).toBe('paid');
    const history = await open().list('pay-1');
    expect(history.at(-1)?.status).toBe('done');
  });
});

describe('prune on PostgresCheckpointer', () => {
  it("keeps an ended child's thread while its parent has not read it, so the resumed parent runs its unsafe tool once", async () => {
    const store = open();
    const sent: string[] = [];
    const child = 'prune-p/0.billing.invoicing#0';
    // The first process dies once the child's thread is done, before the parent journals it.
    const first = createAgent({
      machine: invoicingParent(sent),
      checkpointer: dyingAfterChild(store, 'prune-p'),
      clock: manualClock(1_000),
    });
    first.start({ threadId: 'prune-p', input: undefined });
    for (let tries = 0; (await store.latest(child))?.run.status !== 'done'; tries++) {
      if (tries === 500) throw new Error("the child's thread never ended");
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect((await store.latest('prune-p'))?.run.status).toBe('running');

    // A retention job whose age covers the child: the parent is still running.
    await open().prune({ before: 10_000, statuses: ['done', 'failed'] });
    const kept = await store.latest(child);
    // Another process, once the dead one's lease lapsed, resumes the parent.
    const second = createAgent({
      machine: invoicingParent(sent),
      checkpointer: open(),
      clock: manualClock(1_000 + 3_600_000),
    });
    expect((await (await second.resume('prune-p')).result()).status).toBe('done');
    // Before, the pruned child ran again from the start: the invoice went out twice.
    expect(sent).toHaveLength(1);
    expect(kept?.run.status).toBe('done');
    await second.close();
  });
});

describe('a run on PostgresCheckpointer', () => {
  const steps = 5;

  /** Transactions the server committed with writes while `work` ran (each one a commit). */
  async function writingTransactions(work: () => Promise<void>): Promise<number> {
    const client = new pg.Client({ connectionString: server?.connectionString });
    await client.connect();
    try {
      const next = async () =>
        Number(
          (await client.query<{ xid: string }>('SELECT txid_current()::text AS xid')).rows[0]!.xid,
        );
      const before = await next();
      await work();
      // The second read takes a transaction id of its own.
      return (await next()) - before - 1;
    } finally {
      await client.end();
    }
  }

  it("writes each step's results with its checkpoint, its lease with its first and last, an intent with the result before it: two commits a run of pure steps, two an unsafe step", async () => {
    for (const [effect, most] of [
      ['pure', 2],
      ['unsafe', 2 * steps + 1],
    ] as const) {
      const store = open();
      const agent = createAgent({ machine: toolChain(steps, effect), checkpointer: store });
      const threadId = `commits-${effect}`;
      const commits = await writingTransactions(async () => {
        const outcome = await agent.run({ threadId, input: undefined });
        expect(outcome.status).toBe('done');
      });
      await agent.close();
      // Every result is in the journal, and the thread's lease was given up.
      const journal = await store.listEffects(threadId);
      expect(journal.map((entry) => entry.status)).toEqual(Array(steps).fill('completed'));
      expect((await store.getLease(threadId))?.expiresAt).toBe(0);
      // Each write on its own, as before, was 1.4 commits a step for pure steps (a result and
      // a checkpoint each, a lease taken and given up) and 3.3 for unsafe ones.
      expect(commits, `${effect} steps`).toBeLessThanOrEqual(most);
    }
  });
});

describe('a start refused on PostgresCheckpointer', () => {
  const waitingMachine = setup({
    actors: {
      approve: humanWait({ prompt: () => 'Approve?', reply: z.object({ ok: z.boolean() }) }),
    },
  }).createMachine({
    id: 'approval',
    initial: 'asking',
    states: { asking: { invoke: { src: 'approve', onDone: 'done' } }, done: { type: 'final' } },
  });

  /** What the store holds of a thread: its checkpoints, its journal and its lease. */
  async function storedThread(store: PostgresCheckpointer, threadId: string) {
    return {
      versions: (await store.list(threadId)).map((summary) => summary.version),
      journal: await store.listEffects(threadId),
      lease: await store.getLease(threadId),
    };
  }

  it("writes nothing when another process holds the thread or has it: its first checkpoint's transaction takes the lease, and is rolled back", async () => {
    const owner = createAgent({
      machine: waitingMachine,
      checkpointer: open(),
      evictWaiting: false,
    });
    const other = createAgent({ machine: waitingMachine, checkpointer: open() });
    const store = open();
    const handle = owner.start({ threadId: 'refused', input: undefined });
    expect((await handle.result()).status).toBe('waiting');
    const held = await storedThread(store, 'refused');
    expect(held.lease?.expiresAt).toBeGreaterThan(0);

    await expect(other.run({ threadId: 'refused', input: undefined })).rejects.toMatchObject({
      code: 'run.already_running',
      cause: { code: 'checkpoint.lease_held' },
    });
    expect(await storedThread(store, 'refused')).toEqual(held);

    handle.reply({ ok: true });
    expect((await handle.result()).status).toBe('done');
    const ended = await storedThread(store, 'refused');
    expect(ended.lease?.expiresAt).toBe(0);
    await expect(other.run({ threadId: 'refused', input: undefined })).rejects.toMatchObject({
      code: 'run.already_running',
      cause: { code: 'checkpoint.conflict' },
    });
    expect(await storedThread(store, 'refused')).toEqual(ended);
    await Promise.all([owner.close(), other.close()]);
  });
});

describe('PostgresCheckpointer run log', () => {
  /** Runs SQL on the throwaway server with a client of its own. */
  async function sql(text: string): Promise<Record<string, unknown>[]> {
    const client = new pg.Client({ connectionString: server?.connectionString });
    await client.connect();
    try {
      return (await client.query(text)).rows;
    } finally {
      await client.end();
    }
  }

  const entry = (threadId: string, key: string, costUsd: number) => ({
    threadId,
    key,
    site: 'classify',
    kind: 'llm' as const,
    effect: 'idempotent' as const,
    name: 'gpt-4o-mini',
    status: 'completed' as const,
    startedAt: 1_700_000_000_000,
    finishedAt: 1_700_000_000_400,
    output: {
      response: {
        content: 'ok',
        toolCalls: [],
        usage: { inputTokens: 100, outputTokens: 10 },
        finishReason: 'stop',
      },
      model: 'gpt-4o-mini',
      attempts: 1,
      costUsd,
      cached: false,
    },
    meta: { agent: 'triage', tenantId: 'acme', latencyMs: 400 },
  });

  it('fills a new run log from the journal already stored, and drops a row with its journal row', async () => {
    const store = open('runlog_backfill');
    await store.putEffect(entry('t1', 'a#0/0:llm', 0.5));
    await store.putEffect(entry('t2', 'a#0/0:llm', 0.25));
    // As a database written before the run log: the journal without it.
    await sql('DROP TABLE runlog_backfill.effect_log');
    const reopened = open('runlog_backfill');
    expect((await reopened.summariseCost({ tenantId: 'acme' })).get('')?.costUsd).toBe(0.75);
    await sql(`DELETE FROM runlog_backfill.agentchart_effects WHERE thread_id = 't1'`);
    expect((await reopened.listEffectLog()).map((row) => row.threadId)).toEqual(['t2']);
  });

  it('fills a new run log from a journal of several pages, skipping a row it cannot read', async () => {
    const store = open('runlog_pages');
    await store.putEffect(entry('t0', 'a#0/0:llm', 0.5));
    await sql(`INSERT INTO runlog_pages.agentchart_effects (thread_id, key, site, kind, status, entry)
      SELECT 't' || n, 'a#0/0:llm', 'a#0', 'llm', 'completed', replace(
        (SELECT entry FROM runlog_pages.agentchart_effects WHERE thread_id = 't0'), '"t0"', '"t' || n || '"')
      FROM generate_series(1, 2400) AS n`);
    await sql(`INSERT INTO runlog_pages.agentchart_effects (thread_id, key, site, kind, status, entry)
      VALUES ('bad', 'k', 's', 'llm', 'completed', 'not json')`);
    await sql('DROP TABLE runlog_pages.effect_log');
    const reopened = open('runlog_pages');
    expect((await reopened.listRuns({ limit: 10_000 })).length).toBe(0);
    const rows = await sql('SELECT count(*)::int AS rows FROM runlog_pages.effect_log');
    expect(rows).toEqual([{ rows: 2401 }]);
    expect((await reopened.summariseCost({ tenantId: 'acme' })).get('')?.costUsd).toBe(1200.5);
  });

  it('waits for another process creating the tables longer than queryTimeoutMs, instead of failing its start (issue 10)', async () => {
    if (!server) throw new Error('the throwaway PostgreSQL did not start');
    // Another process holds the lock that serialises table creation (as while it fills a
    // large run log) for longer than this store may wait for one answer.
    const other = new pg.Client({ connectionString: server.connectionString });
    await other.connect();
    await other.query('BEGIN');
    await other.query("SELECT pg_advisory_xact_lock(hashtext('agentchart.create_tables'))");
    const store = new PostgresCheckpointer({
      connectionString: server.connectionString,
      schema: 'runlog_waiting',
      queryTimeoutMs: 300,
    });
    opened.push(store);
    const saving = store.putEffect(entry('t1', 'a#0/0:llm', 0.5));
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await other.query('COMMIT');
    await other.end();
    await saving;
    expect((await store.listEffectLog()).map((row) => row.threadId)).toEqual(['t1']);
  });

  it('refuses to write into an effect_log table agentchart did not create', async () => {
    await sql('CREATE SCHEMA runlog_foreign; CREATE TABLE runlog_foreign.effect_log (id int)');
    const store = open('runlog_foreign');
    await expect(store.putEffect(entry('t1', 'a#0/0:llm', 0.5))).rejects.toMatchObject({
      code: 'checkpoint.foreign_database',
      message: expect.stringContaining('schema of its own'),
    });
    expect(await sql('SELECT count(*)::int AS rows FROM runlog_foreign.effect_log')).toEqual([
      { rows: 0 },
    ]);
  });
});

describe('PostgresCheckpointer options', () => {
  it('refuses a misspelt option, and neither or both of connectionString and pool, before connecting', () => {
    const refused = (options: unknown, message: RegExp) =>
      expect(() => new PostgresCheckpointer(options as never)).toThrow(message);
    refused(
      { connectionString: 'postgres://x@127.0.0.1:1/db', shema: 'a' },
      /shema is not an option; did you mean schema\?/,
    );
    refused({ schema: 'a' }, /give either connectionString .* or pool/);
    refused(
      { connectionString: 'postgres://x@127.0.0.1:1/db', pool: new pg.Pool() },
      /not both nor neither/,
    );
    refused(undefined, /give \{ connectionString/);
  });

  it('refuses a schema name PostgreSQL would cut, a pool size that hangs, and options a given pool ignores', () => {
    const url = 'postgres://x@127.0.0.1:1/db';
    const refused = (options: unknown, message: RegExp) =>
      expect(() => new PostgresCheckpointer(options as never)).toThrow(message);
    // Two names alike in their first 63 bytes shared one schema's tables.
    refused(
      { connectionString: url, schema: `${'s'.repeat(63)}ONE` },
      /is 66 bytes; PostgreSQL keeps 63/,
    );
    refused({ connectionString: url, schema: '' }, /schema is an empty string/);
    // A pool of -1 connections hung every call until its timeout.
    refused(
      { connectionString: url, max: -1 },
      /max is the number -1\. Give a whole number of connections, 1 or more/,
    );
    refused({ connectionString: url, max: 1.5 }, /max is the number 1\.5/);
    refused(
      { connectionString: url, queryTimeoutMs: 2 ** 31 },
      /queryTimeoutMs must be a positive number of milliseconds up to 2147483647/,
    );
    refused({ connectionString: '' }, /connectionString is an empty string/);
    refused({ connectionString: 'mysql://x' }, /connectionString is the string "mysql/);
    // pg read it only at the first query, and failed with a bare "TypeError: Invalid URL".
    refused(
      { connectionString: 'postgres://u:pw@127.0.0.1:notaport/db' },
      /connectionString "postgres:\/\/u:\*\*\*@127\.0\.0\.1:notaport\/db" cannot be read \(Invalid URL\)/,
    );
    const pool = new pg.Pool();
    refused({ pool, max: 5 }, /max applies to the pool the store opens/);
    refused({ pool, queryTimeoutMs: 1_000 }, /queryTimeoutMs applies to the pool the store opens/);
    refused({ pool: {} }, /pool is an object\. Give a pg\.Pool/);
    void pool.end();
  });

  it('takes an option given as undefined as one left out, before connecting', async () => {
    // Before: `'max' in options` refused `{ pool, max: undefined }` as "max applies to the
    // pool the store opens", and `connectionString: undefined` beside a pool as "both".
    const pool = new pg.Pool();
    const given = new PostgresCheckpointer({
      pool,
      connectionString: undefined,
      max: undefined,
      queryTimeoutMs: undefined,
      schema: undefined,
      createTables: undefined,
    });
    await given.close();
    const opened = new PostgresCheckpointer({
      connectionString: 'postgres://x@127.0.0.1:1/db',
      pool: undefined,
      max: undefined,
      queryTimeoutMs: undefined,
    });
    await opened.close();
    await pool.end();
  });
});

describe('PostgresCheckpointer conformance', () => {
  const cases = checkpointerConformance({
    // One pool per store, as two processes would have; ended after each case, so the cases'
    // pools together stay within the server's connections.
    create: () => new PostgresCheckpointer({ connectionString: server!.connectionString }),
    reopen: () => new PostgresCheckpointer({ connectionString: server!.connectionString }),
    dispose: (store) => store.close(),
    saveWithLease: true,
    erase: true,
    async corruptCheckpoint(_store, threadId, version) {
      const client = new pg.Client({ connectionString: server?.connectionString });
      await client.connect();
      try {
        await client.query(
          "UPDATE agentchart_checkpoints SET state = '{broken' WHERE thread_id = $1 AND version = $2",
          [threadId, version],
        );
      } finally {
        await client.end();
      }
    },
  });
  for (const { name, run } of cases) it(name, run);
});

describe('PostgresCheckpointer for a reading role', () => {
  it('reads runs, threads and checkpoints as a role with SELECT on its tables only, as the CLI and studio do', async () => {
    const writer = open('read only');
    await writer.save(checkpointOf('r1', 1));
    const admin = new pg.Client({ connectionString: server!.connectionString });
    await admin.connect();
    try {
      await admin.query(`CREATE ROLE reader LOGIN;
        GRANT USAGE ON SCHEMA "read only" TO reader;
        GRANT SELECT ON ALL TABLES IN SCHEMA "read only" TO reader`);
    } finally {
      await admin.end();
    }
    const url = new URL(server!.connectionString);
    url.username = 'reader';
    const reader = new PostgresCheckpointer({
      connectionString: url.toString(),
      schema: 'read only',
    });
    opened.push(reader);
    expect((await reader.listThreads()).map((thread) => thread.threadId)).toEqual(['r1']);
    expect((await reader.listRuns()).map((run) => run.threadId)).toEqual(['r1']);
    expect(await reader.latest('r1')).toEqual(checkpointOf('r1', 1));
  });
});

describe('a waiting thread that nothing moves, on PostgresCheckpointer', () => {
  const machine = setup({
    types: { events: {} as { type: 'poke' } },
    actors: { ask: humanWait({ prompt: () => 'ship it?', reply: z.boolean() }) },
  }).createMachine({
    id: 'shipping',
    initial: 'asking',
    states: {
      asking: {
        invoke: { src: 'ask', onDone: 'shipped' },
        on: { poke: { guard: () => false, target: 'shipped' } },
      },
      shipped: { type: 'final' },
    },
  });

  it('gets no checkpoint from an event it ignores, a reply that does not fit or a resume', async () => {
    const agent = createAgent({ machine, checkpointer: open() });
    expect((await agent.run({ threadId: 'unmoved', input: {} })).status).toBe('waiting');
    const stored = (await agent.history('unmoved')).length;
    for (let again = 0; again < 3; again++) {
      // An event its guards refuse: refused, nothing delivered (run.event_not_taken).
      await expect(agent.send('unmoved', { type: 'poke' })).rejects.toMatchObject({
        code: 'run.event_not_taken',
      });
      await expect(
        agent
          .send('unmoved', { type: 'human.reply', value: 'yes' })
          .then((handle) => handle.result()),
      ).rejects.toMatchObject({ code: 'human.invalid_reply' });
      expect((await (await agent.resume('unmoved')).result()).status).toBe('waiting');
    }
    // Before: two checkpoints each (the restore's claim and the rest).
    expect((await agent.history('unmoved')).length).toBe(stored);
    // Another process takes it at once (each restore gave its lease up), and answers it.
    const other = createAgent({ machine, checkpointer: open() });
    const outcome = await (
      await other.send('unmoved', { type: 'human.reply', value: true })
    ).result();
    expect(outcome.status).toBe('done');
    expect((await other.history('unmoved')).length).toBe(stored + 1);
    await Promise.all([agent.close(), other.close()]);
  });
});
