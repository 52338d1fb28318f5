import { createServer, type Socket } from 'node:net';
import { createAgent, humanWait, StorageError } from '@agentchart/core';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { z } from 'zod';
import { PostgresCheckpointer } from './postgres-checkpointer';
import { describeServer } from './postgres-storage-error';
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

function open(connectionString: string): PostgresCheckpointer {
  const checkpointer = new PostgresCheckpointer({ connectionString });
  opened.push(checkpointer);
  return checkpointer;
}

/** A loopback port nothing listens on (it was free a moment ago). */
async function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

/** The error `promise` rejects with. */
async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error,
  );
}

describe('PostgresCheckpointer storage faults', () => {
  it('says the server cannot be reached, and where, when the connection is refused', async () => {
    const port = await closedPort();
    const error = await failure(
      open(`postgres://agents:secret@127.0.0.1:${port}/runs`).latest('t'),
    );
    expect(error).toBeInstanceOf(StorageError);
    expect(error).toMatchObject({
      code: 'storage.unavailable',
      path: `postgres://agents@127.0.0.1:${port}/runs`,
    });
    const { message } = error as StorageError;
    expect(message).toContain('reading the newest checkpoint of thread "t"');
    expect(message).toContain('agent.resume(threadId)');
    expect(message).not.toContain('secret');
  });

  it('says the database does not exist and that agentchart does not create it', async () => {
    const url = server!.connectionString.replace(/\/postgres$/, '/no_such_database');
    const error = await failure(open(url).acquireLease('t', { owner: 'o', ttlMs: 1000, now: 1 }));
    expect(error).toMatchObject({ code: 'storage.not_found' });
    expect((error as StorageError).message).toContain('Create the database');
  });

  it('says a statement outlasted the server’s time limit, and what holds it up', async () => {
    const url = server!.connectionString;
    const store = open(url);
    await store.listThreads();
    const locker = new pg.Client({ connectionString: url });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE agentchart_leases IN ACCESS EXCLUSIVE MODE');
      const impatient = open(`${url}?options=-c%20lock_timeout%3D100`);
      const error = await failure(impatient.acquireLease('t', { owner: 'o', ttlMs: 1000, now: 1 }));
      expect(error).toMatchObject({ code: 'storage.timeout' });
      expect((error as StorageError).message).toContain('pg_stat_activity');
    } finally {
      await locker.query('ROLLBACK');
      await locker.end();
    }
  });

  it('says the pool had no free connection, not that the server is down, when a lock holds every one', async () => {
    const url = server!.connectionString;
    await open(url).listThreads();
    // One connection, and a wait for it of 200 ms; no limit on a statement.
    const pool = new pg.Pool({ connectionString: url, max: 1, connectionTimeoutMillis: 200 });
    pool.on('error', () => undefined);
    const store = new PostgresCheckpointer({ pool });
    const locker = new pg.Client({ connectionString: url });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE agentchart_leases IN ACCESS EXCLUSIVE MODE');
      // The first call holds the pool's only connection, waiting for the lock.
      const holding = store.acquireLease('first', { owner: 'o', ttlMs: 1000, now: 1 });
      const error = await failure(
        store.acquireLease('second', { owner: 'o', ttlMs: 1000, now: 1 }),
      );
      expect(error).toMatchObject({ code: 'storage.unavailable' });
      const { message } = error as StorageError;
      expect(message).not.toContain('Check that the server is running');
      expect(message).toContain('No connection of the pool came free in time');
      expect(message).toContain('pg_stat_activity');
      await locker.query('ROLLBACK');
      await holding;
    } finally {
      await locker.end();
      await pool.end();
    }
  });

  it('leaves the store’s own errors as they are', async () => {
    const store = open(server!.connectionString);
    await store.acquireLease('held', { owner: 'a', ttlMs: 60_000, now: 1 });
    const error = await failure(store.acquireLease('held', { owner: 'b', ttlMs: 1000, now: 2 }));
    expect(error).toMatchObject({ code: 'checkpoint.lease_held' });
  });

  it('names a pool’s server without its password', () => {
    const pool = new pg.Pool({
      host: 'db.internal',
      port: 6543,
      user: 'agents',
      password: 'pw',
      database: 'runs',
    });
    expect(describeServer(pool)).toBe('postgres://agents@db.internal:6543/runs');
    void pool.end();
  });
});

describe('PostgresCheckpointer on a server that stops answering', () => {
  const approval = setup({
    actors: { approve: humanWait({ prompt: () => 'Ship?', reply: z.object({ ok: z.boolean() }) }) },
  }).createMachine({
    id: 'approval',
    initial: 'asking',
    states: { asking: { invoke: { src: 'approve', onDone: 'done' } }, done: { type: 'final' } },
  });

  it('fails a run whose statement never gets an answer with storage.timeout, and close() returns', async () => {
    const url = server!.connectionString;
    await open(url).listThreads();
    const locker = new pg.Client({ connectionString: url });
    await locker.connect();
    const store = new PostgresCheckpointer({ connectionString: url, queryTimeoutMs: 300 });
    opened.push(store);
    const agent = createAgent({ machine: approval, checkpointer: store });
    try {
      // No statement_timeout or lock_timeout on the server: the lease waits for this lock forever.
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE agentchart_leases IN ACCESS EXCLUSIVE MODE');
      const outcome = await agent.run({ threadId: 'hung', input: {} });
      expect(outcome).toMatchObject({ status: 'failed', error: { code: 'storage.timeout' } });
      await agent.close();
    } finally {
      await locker.query('ROLLBACK');
      await locker.end();
    }
    // The pool dropped the connection that hung; the next call gets a good one. (The statement
    // that timed out may still have been applied by the server: a timeout is not a rollback.)
    expect(await store.latest('hung')).toBeUndefined();
  });

  it('gives up on a server that takes the connection and never answers, with storage.unavailable', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const address = silent.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      const store = new PostgresCheckpointer({
        connectionString: `postgres://agents@127.0.0.1:${port}/runs`,
        queryTimeoutMs: 300,
      });
      opened.push(store);
      expect(await failure(store.latest('t'))).toMatchObject({ code: 'storage.unavailable' });
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});

describe('PostgresCheckpointer on a schema holding someone else’s tables', () => {
  it('refuses a foreign table of one of its names with checkpoint.foreign_database, writing nothing', async () => {
    const admin = new pg.Client({ connectionString: server!.connectionString });
    await admin.connect();
    try {
      await admin.query(`CREATE SCHEMA theirs;
        CREATE TABLE theirs.agentchart_checkpoints (id serial PRIMARY KEY, note text);
        INSERT INTO theirs.agentchart_checkpoints (note) VALUES ('theirs')`);
      const store = new PostgresCheckpointer({
        connectionString: server!.connectionString,
        schema: 'theirs',
      });
      opened.push(store);
      const error = await failure(store.latest('t'));
      expect(error).toMatchObject({ code: 'checkpoint.foreign_database' });
      expect((error as Error).message).toContain(
        '"theirs".agentchart_checkpoints that agentchart did not create',
      );
      const { rows } = await admin.query(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'theirs' ORDER BY tablename",
      );
      expect(rows).toEqual([{ tablename: 'agentchart_checkpoints' }]);
    } finally {
      await admin.end();
    }
  });
});
