import { agentFactory, createAgent, humanWait } from '@agentchart/core';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { z } from 'zod';
import { PostgresCheckpointer } from '../postgres-checkpointer';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../testing/throwaway-postgres';
import { createPostgresWorker } from './create-postgres-worker';

let postgres: ThrowawayPostgres;
beforeAll(async () => {
  postgres = await startThrowawayPostgres();
}, 60_000);
afterAll(() => postgres?.stop());

const reminder = setup({}).createMachine({
  id: 'reminder',
  initial: 'sleeping',
  states: { sleeping: { after: { 6000: 'reminded' } }, reminded: { type: 'final' } },
});

/** Two approvals in a row; `release` describes its last state, which changes its machine version. */
function approvalMachine(release?: string) {
  return setup({
    actors: {
      approve: humanWait({
        prompt: () => 'Ship it?',
        reply: z.object({ approved: z.boolean() }),
      }),
    },
  }).createMachine({
    id: 'approval',
    context: { approvals: 0 },
    initial: 'asking',
    states: {
      asking: { invoke: { src: 'approve', onDone: 'asking-again' } },
      'asking-again': { invoke: { src: 'approve', onDone: 'done' } },
      done: { type: 'final', ...(release === undefined ? {} : { description: release }) },
    },
  });
}

const approval = approvalMachine();

/** A clock a minute behind: what it schedules is already due by the wall clock. */
const minuteAgo = {
  now: () => Date.now() - 60_000,
  setTimeout: (callback: () => void, ms: number) => setTimeout(callback, ms),
  clearTimeout: (handle: unknown) => clearTimeout(handle as NodeJS.Timeout),
};

async function waitUntil(condition: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('createPostgresWorker', () => {
  it('wakes a thread whose after-timer fell due while no process held it (issue 15)', async () => {
    const schema = 'wake_due';
    const store = new PostgresCheckpointer({ connectionString: postgres.connectionString, schema });
    const first = createAgent({ machine: reminder, checkpointer: store, clock: minuteAgo });
    expect((await first.start({ threadId: 'r', input: {} }).result()).status).toBe('waiting');
    await first.close();
    const worker = await createPostgresWorker({
      connectionString: postgres.connectionString,
      schema,
      jobSchema: `${schema}_jobs`,
      agents: [agentFactory((host) => createAgent({ machine: reminder, ...host }))],
      schedulerIntervalMs: 200,
      poolSize: 3,
    });
    try {
      await waitUntil(async () => (await store.latest('r'))?.run.status === 'done');
      expect((await store.latest('r'))?.snapshot).toMatchObject({ value: 'reminded' });
    } finally {
      await worker.close();
      await store.close();
    }
  }, 60_000);

  it('delivers a reply job to the wait it names, once: the same reply again answers nothing', async () => {
    const schema = 'replies';
    const worker = await createPostgresWorker({
      connectionString: postgres.connectionString,
      schema,
      jobSchema: `${schema}_jobs`,
      agents: [agentFactory((host) => createAgent({ machine: approval, ...host }))],
      poolSize: 3,
    });
    const store = worker.checkpointer;
    try {
      await worker.jobs.start('approval', { threadId: 'a', input: {} });
      await waitUntil(async () => (await store.latest('a'))?.run.status === 'waiting');
      const [first] = (await store.listEffects('a')).filter((entry) => entry.kind === 'human');
      const reply = { threadId: 'a', waitId: first!.key, value: { approved: true } };
      await worker.jobs.reply('approval', reply);
      await waitUntil(async () => (await store.listEffects('a')).length === 2);
      // Redelivered (or sent twice): the first wait is answered, and the second stays open.
      await worker.jobs.reply('approval', reply);
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const waits = (await store.listEffects('a')).map((entry) => [entry.key, entry.status]);
      expect(waits).toEqual([
        [first!.key, 'completed'],
        [expect.stringContaining('asking-again'), 'started'],
      ]);
      expect((await store.latest('a'))?.run.status).toBe('waiting');
    } finally {
      await worker.close();
    }
  }, 60_000);

  it("reports a reply job this worker's code refuses (a thread a later release moved on), and puts it back", async () => {
    const schema = 'refused_jobs';
    const store = new PostgresCheckpointer({ connectionString: postgres.connectionString, schema });
    // The release after this worker's: its machine version is not the worker's.
    const newer = createAgent({ machine: approvalMachine('v2'), checkpointer: store });
    expect((await newer.start({ threadId: 'm', input: {} }).result()).status).toBe('waiting');
    await newer.close();
    const refused: Error[] = [];
    const worker = await createPostgresWorker({
      connectionString: postgres.connectionString,
      schema,
      jobSchema: `${schema}_jobs`,
      agents: [agentFactory((host) => createAgent({ machine: approval, ...host }))],
      poolSize: 3,
      onError: (error) => refused.push(error as Error),
    });
    try {
      const [wait] = (await store.listEffects('m')).filter((entry) => entry.kind === 'human');
      await worker.jobs.reply('approval', {
        threadId: 'm',
        waitId: wait!.key,
        value: { approved: true },
      });
      await waitUntil(async () => refused.length > 0);
      // Before: nothing was said, and after its retries the reply was given up unseen.
      expect(refused[0]).toMatchObject({ name: 'AgentchartJobRefused' });
      expect(refused[0]!.message).toContain('A reply job for thread "m"');
      expect((refused[0]!.cause as { code?: string }).code).toBe('checkpoint.version_mismatch');
      expect((await store.latest('m'))?.run.status).toBe('waiting');
    } finally {
      await worker.close();
      await store.close();
    }
  }, 60_000);

  it("refuses a reply job for another tenant's thread through the queue, and the wait stays open (issue: globex approved acme's payment)", async () => {
    const schema = 'tenant_jobs';
    const worker = await createPostgresWorker({
      connectionString: postgres.connectionString,
      schema,
      jobSchema: `${schema}_jobs`,
      agents: [agentFactory((host) => createAgent({ machine: approval, ...host }))],
      poolSize: 3,
    });
    const store = worker.checkpointer;
    const admin = new pg.Client({ connectionString: postgres.connectionString });
    await admin.connect();
    const outputOf = async (id: string | null) =>
      (await admin.query(`SELECT state, output FROM ${schema}_jobs.job WHERE id = $1`, [id]))
        .rows[0] as { state: string; output: { status?: string } | null } | undefined;
    try {
      await worker.jobs.start('approval', { threadId: 'pay-1', input: {}, tenantId: 'acme' });
      await waitUntil(async () => (await store.latest('pay-1'))?.run.status === 'waiting');
      const [wait] = (await store.listEffects('pay-1')).filter((entry) => entry.kind === 'human');
      const reply = { threadId: 'pay-1', waitId: wait!.key, value: { approved: true } };
      const job = await worker.jobs.reply('approval', { ...reply, tenantId: 'globex' });
      await waitUntil(async () => (await outputOf(job))?.state === 'completed');
      expect((await outputOf(job))?.output).toMatchObject({ status: 'refused' });
      expect((await store.listEffects('pay-1')).map((entry) => entry.status)).toEqual(['started']);
    } finally {
      await admin.end();
      await worker.close();
    }
  }, 60_000);

  it("reports a refused reply whose wait's prompt quotes a NUL character, rather than failing the job on every retry", async () => {
    const schema = 'prompt_nul';
    // A prompt made from what the thread read: a page holding a NUL character.
    const quoting = setup({
      types: { input: {} as { page: string }, context: {} as { page: string } },
      actors: {
        approve: humanWait({
          prompt: (page: string) => `Pay what this page asks? ${page}`,
          reply: z.object({ approved: z.boolean() }),
        }),
      },
    }).createMachine({
      id: 'quoting',
      context: ({ input }) => ({ page: input.page }),
      initial: 'asking',
      states: {
        asking: {
          invoke: { src: 'approve', input: ({ context }) => context.page, onDone: 'done' },
        },
        done: { type: 'final' },
      },
    });
    const worker = await createPostgresWorker({
      connectionString: postgres.connectionString,
      schema,
      jobSchema: `${schema}_jobs`,
      agents: [agentFactory((host) => createAgent({ machine: quoting, ...host }))],
      poolSize: 3,
    });
    const intake = createAgent({ machine: quoting, checkpointer: worker.checkpointer });
    try {
      const asked = await intake.run({ threadId: 'q-1', input: { page: 'total\u0000due' } });
      expect(asked.status).toBe('waiting');
      const waitId = asked.status === 'waiting' ? asked.waits[0]!.waitId : '';
      await intake.close();
      const value = { approved: 'yes' };
      const job = await worker.jobs.reply('quoting', { threadId: 'q-1', waitId, value });
      // Before: the refusal's detail quoted the prompt, pg-boss could not store it as jsonb
      // (22P05), and the job failed and was tried again: jobs.result said job.timeout, "it
      // failed, with unsupported Unicode escape sequence", and never human.invalid_reply.
      expect(await worker.jobs.result('quoting', job, { timeoutMs: 20_000 })).toMatchObject({
        status: 'refused',
        code: 'human.invalid_reply',
        detail: expect.stringContaining('total\\u0000due'),
      });
    } finally {
      await intake.close();
      await worker.close();
    }
  }, 60_000);

  it('keeps no timer per waiting thread: the scheduler wakes them, so threads other workers answer cost nothing here', async () => {
    const schema = 'no_wake_timers';
    const pending = new Set<unknown>();
    // The system clock, counting the timers the worker's agent arms on it.
    const countingClock = {
      now: () => Date.now(),
      setTimeout: (callback: () => void, ms: number) => {
        const handle = setTimeout(() => {
          pending.delete(handle);
          callback();
        }, ms);
        pending.add(handle);
        return handle;
      },
      clearTimeout: (handle: unknown) => {
        pending.delete(handle);
        clearTimeout(handle as NodeJS.Timeout);
      },
    };
    const deadlined = setup({
      actors: {
        approve: humanWait({
          prompt: () => 'Ship it?',
          reply: z.object({ approved: z.boolean() }),
          timeoutMs: 7 * 24 * 60 * 60 * 1000,
        }),
      },
    }).createMachine({
      id: 'deadlined',
      initial: 'asking',
      states: { asking: { invoke: { src: 'approve', onDone: 'done' } }, done: { type: 'final' } },
    });
    const worker = await createPostgresWorker({
      connectionString: postgres.connectionString,
      schema,
      jobSchema: `${schema}_jobs`,
      agents: [
        agentFactory((host) => createAgent({ machine: deadlined, clock: countingClock, ...host })),
      ],
      poolSize: 3,
    });
    const store = worker.checkpointer;
    try {
      const threads = Array.from({ length: 10 }, (_, index) => `ship-${index}`);
      for (const threadId of threads) await worker.jobs.start('deadlined', { threadId, input: {} });
      await waitUntil(async () => {
        const latest = await Promise.all(threads.map((threadId) => store.latest(threadId)));
        return latest.every((checkpoint) => checkpoint?.run.status === 'waiting');
      });
      // Before: a timer per thread for its week-long deadline, kept even once another worker
      // had answered the thread. Now at most the lease heartbeat's, until its next beat.
      expect(pending.size).toBeLessThanOrEqual(1);
    } finally {
      await worker.close();
    }
  }, 60_000);
});
