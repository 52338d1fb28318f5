import { agentFactory, createAgent } from '@agentchart/core';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { setup } from 'xstate';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../testing/throwaway-postgres';
import { createPostgresWorker } from './create-postgres-worker';
import { createThreadJobs } from './create-thread-jobs';

let postgres: ThrowawayPostgres;
beforeAll(async () => {
  postgres = await startThrowawayPostgres();
}, 60_000);
afterAll(() => postgres?.stop());

describe('createThreadJobs', () => {
  it("erases a thread's job rows, which hold its input and replies, in every agent's queue, and no other thread's", async () => {
    // A job for an agent no worker has served is warned of (here, both).
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const queue = await createThreadJobs({ connectionString: postgres.connectionString });
    try {
      const { jobs } = queue;
      await jobs.start('support', { threadId: 'erase-me', input: { email: 'a@example.com' } });
      await jobs.reply('support', { threadId: 'erase-me', waitId: 'w', value: { ok: true } });
      await jobs.start('billing', { threadId: 'erase-me', input: {} });
      const kept = await jobs.start('support', { threadId: 'keep-me', input: {} });
      // Before: no way to find them short of SQL on pg-boss's tables.
      expect(await jobs.erase(['erase-me'])).toBe(3);
      expect(await jobs.erase(['erase-me'])).toBe(0);
      // A thread id no job can hold (jsonb refuses a NUL): it has no job to erase. Before:
      // PostgreSQL's raw "unsupported Unicode escape sequence" from the look-up.
      expect(await jobs.erase(['t\u0000', 'lone \ud800'])).toBe(0);
      const admin = new pg.Client({ connectionString: postgres.connectionString });
      await admin.connect();
      try {
        const { rows } = await admin.query<{ id: string; data: { threadId: string } }>(
          "SELECT id, data FROM agentchart_jobs.job WHERE data->>'threadId' IN ('erase-me', 'keep-me')",
        );
        expect(rows).toEqual([
          { id: kept, data: expect.objectContaining({ threadId: 'keep-me' }) },
        ]);
      } finally {
        await admin.end();
      }
      expect(warn).toHaveBeenCalledWith(
        expect.stringContaining('A job was sent for agent "billing"'),
        expect.objectContaining({ code: 'AGENTCHART_UNSERVED_AGENT' }),
      );
    } finally {
      warn.mockRestore();
      await queue.close();
    }
  });

  it('deletes nothing while a worker does a job of one of the threads (job.active): a start it took would store the thread again', async () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const queue = await createThreadJobs({ connectionString: postgres.connectionString });
    const admin = new pg.Client({ connectionString: postgres.connectionString });
    await admin.connect();
    try {
      const { jobs } = queue;
      const taken = await jobs.start('support', { threadId: 'erase-taken', input: { n: 1 } });
      await jobs.event('support', { threadId: 'erase-taken', event: { type: 'PING' } });
      await jobs.start('support', { threadId: 'erase-quiet', input: {} });
      // A worker took the start (pg-boss's fetch marks it so) and has stored nothing yet.
      await admin.query("UPDATE agentchart_jobs.job SET state = 'active' WHERE id = $1", [taken]);
      await expect(jobs.erase(['erase-quiet', 'erase-taken'])).rejects.toMatchObject({
        code: 'job.active',
        jobId: taken,
        message: expect.stringContaining('Nothing was deleted'),
      });
      const count = async () =>
        (
          await admin.query<{ n: number }>(
            "SELECT count(*)::int AS n FROM agentchart_jobs.job WHERE data->>'threadId' LIKE 'erase-%'",
          )
        ).rows[0]?.n;
      expect(await count()).toBe(3);
      await admin.query("UPDATE agentchart_jobs.job SET state = 'completed' WHERE id = $1", [
        taken,
      ]);
      expect(await jobs.erase(['erase-quiet', 'erase-taken'])).toBe(3);
      expect(await count()).toBe(0);
    } finally {
      await admin.end();
      await queue.close();
      warn.mockRestore();
    }
  });

  it('survives its idle connections being dropped by the server (a restart) and keeps sending', async () => {
    const errors: unknown[] = [];
    const queue = await createThreadJobs({
      connectionString: postgres.connectionString,
      onError: (error) => errors.push(error),
    });
    try {
      expect(await queue.jobs.start('support', { threadId: 'T-1', input: {} })).toEqual(
        expect.any(String),
      );
      // What a server restart does to the queue's idle connections.
      const admin = new pg.Client({ connectionString: postgres.connectionString });
      await admin.connect();
      const { rowCount: dropped } = await admin.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
         WHERE pid <> pg_backend_pid() AND backend_type = 'client backend'`,
      );
      await admin.end();
      // Each dropped connection is reported once; then the pool holds none of them.
      for (let tries = 0; errors.length < (dropped ?? 1); tries++) {
        if (tries === 200) throw new Error('the dropped connections were never reported');
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      expect(errors).toContainEqual(expect.objectContaining({ code: '57P01' }));
      expect(await queue.jobs.start('support', { threadId: 'T-2', input: {} })).toEqual(
        expect.any(String),
      );
    } finally {
      await queue.close();
    }
  });

  it('warns once, typed, when its connections are dropped again and again, not once per error (issue 16)', async () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const queue = await createThreadJobs({ connectionString: postgres.connectionString });
    try {
      let dropped = 0;
      for (let round = 0; round < 3; round++) {
        await queue.jobs.start('support', { threadId: `T-drop-${round}`, input: {} });
        const admin = new pg.Client({ connectionString: postgres.connectionString });
        await admin.connect();
        const { rowCount } = await admin.query(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
           WHERE pid <> pg_backend_pid() AND backend_type = 'client backend'`,
        );
        await admin.end();
        dropped += rowCount ?? 0;
        // The pool notices its idle connections were dropped on the next turns.
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(dropped).toBeGreaterThanOrEqual(3);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(warn.mock.calls[0]![0]).toMatchObject({
        name: 'StorageError',
        code: 'storage.unavailable',
      });
    } finally {
      await queue.close();
      warn.mockRestore();
    }
  });

  it('warns, typed, when a job is sent for an agent no worker has served while others are (a misspelt name)', async () => {
    // Before: `jobs.start('suport', …)` returned a job id and the job waited for ever, unseen.
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const queue = await createThreadJobs({
      connectionString: postgres.connectionString,
      jobSchema: 'jobs_unserved',
    });
    try {
      // The first agent of a new deployment: no other queue, nothing to suspect.
      await queue.jobs.start('billing', { threadId: 'B-1', input: {} });
      expect(warn).not.toHaveBeenCalled();
      expect(await queue.jobs.start('biling', { threadId: 'B-2', input: {} })).toEqual(
        expect.any(String),
      );
      await queue.jobs.start('biling', { threadId: 'B-3', input: {} });
      expect(warn).toHaveBeenCalledTimes(1);
      expect(warn.mock.calls[0]).toEqual([
        expect.stringMatching(
          /^A job was sent for agent "biling", which had no queue: no worker has served it yet .* did you mean "billing"\? The job waits until a worker serving "biling" starts\.$/,
        ),
        { code: 'AGENTCHART_UNSERVED_AGENT' },
      ]);
    } finally {
      await queue.close();
      warn.mockRestore();
    }
  });

  it('refuses a job whose data holds a NUL character or a lone surrogate, typed and saying where, before it is queued', async () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const queue = await createThreadJobs({
      connectionString: postgres.connectionString,
      jobSchema: 'jobs_unstorable',
    });
    try {
      const { jobs } = queue;
      // Valid JSON in a request body, and a checkpoint keeps both. Before: pg-boss's insert
      // failed with PostgreSQL's untyped error 22P05 ("unsupported Unicode escape sequence")
      // or 22P02, which an API answers 500.
      const refused = [
        () => jobs.start('notes', { threadId: 'N-1', input: { title: 'a\u0000b' } }),
        () =>
          jobs.event('notes', {
            threadId: 'N-1',
            event: { type: 'note', tags: ['ok', 'x\ud800'] },
          }),
        () => jobs.reply('notes', { threadId: 'N-1', waitId: 'w', value: { 'k\u0000': 1 } }),
        () => jobs.event('notes', { threadId: 'N-1\u0000', event: { type: 'note' } }),
      ];
      const where = [
        /input\["title"\] holds a NUL character \(U\+0000\) at position 1/,
        /event\["tags"\]\[1\] holds a lone UTF-16 surrogate \(U\+D800\)/,
        /value\["k\\u0000"\] \(a key\) holds a NUL character/,
        /threadId holds a NUL character/,
      ];
      for (const [index, send] of refused.entries()) {
        const error = await send().then(
          () => undefined,
          (caught: unknown) => caught,
        );
        expect(error).toMatchObject({ name: 'DefinitionError', code: 'definition.invalid_option' });
        expect((error as Error).message).toMatch(where[index]!);
      }
      expect(await jobs.start('notes', { threadId: 'N-1', input: { title: 'a b' } })).toEqual(
        expect.any(String),
      );
    } finally {
      await queue.close();
      warn.mockRestore();
    }
  });

  it('fails to start with a StorageError that names the server when the database does not exist', async () => {
    const url = postgres.connectionString.replace(/\/postgres$/, '/no_such_database');
    await expect(createThreadJobs({ connectionString: url })).rejects.toMatchObject({
      name: 'StorageError',
      code: 'storage.not_found',
      path: url,
    });
  });
});

describe('createPostgresWorker', () => {
  it('fails to start with a StorageError, not a driver error, when the database does not exist', async () => {
    const url = postgres.connectionString.replace(/\/postgres$/, '/no_such_database');
    const machine = setup({}).createMachine({
      initial: 'done',
      states: { done: { type: 'final' } },
    });
    const agents = [agentFactory((host) => createAgent({ machine, ...host }))];
    const error = await createPostgresWorker({ connectionString: url, agents }).then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(error).toMatchObject({ name: 'StorageError', code: 'storage.not_found' });
    expect((error as Error).message).toContain('starting the job queue');
  });
});
