import { agentFactory, createAgent, DefinitionError, humanWait } from '@agentchart/core';
import { PgBoss } from 'pg-boss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { z } from 'zod';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../testing/throwaway-postgres';
import { createPostgresWorker } from './create-postgres-worker';
import { createThreadJobs } from './create-thread-jobs';
import { ThreadJobError } from './thread-job-error';
import { queueNameOf } from './thread-jobs';

let postgres: ThrowawayPostgres;
beforeAll(async () => {
  postgres = await startThrowawayPostgres();
}, 60_000);
afterAll(() => postgres?.stop());

const approval = setup({
  actors: {
    approve: humanWait({ prompt: () => 'Ship it?', reply: z.object({ approved: z.boolean() }) }),
  },
}).createMachine({
  id: 'approval',
  initial: 'asking',
  states: {
    asking: { invoke: { src: 'approve', onDone: 'asking-again' } },
    'asking-again': { invoke: { src: 'approve', onDone: 'done' } },
    done: { type: 'final' },
  },
});

/** The error `promise` rejects with. */
async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe('jobs.result', () => {
  it("tells an API what the worker did with a person's reply: applied, refused as invalid with the detail, already answered, no such thread", async () => {
    // Before: jobs.reply resolved to a job id and nothing told the API the reply was refused.
    const schema = 'results';
    const worker = await createPostgresWorker({
      connectionString: postgres.connectionString,
      schema,
      jobSchema: `${schema}_jobs`,
      agents: [agentFactory((host) => createAgent({ machine: approval, ...host }))],
      poolSize: 3,
    });
    const queue = await createThreadJobs({
      connectionString: postgres.connectionString,
      jobSchema: `${schema}_jobs`,
    });
    try {
      const started = await queue.jobs.start('approval', { threadId: 'a', input: {} });
      expect(await queue.jobs.result('approval', started)).toEqual({
        threadId: 'a',
        status: 'waiting',
      });
      const [wait] = (await worker.checkpointer.listEffects('a')).filter(
        (entry) => entry.kind === 'human',
      );
      const reply = (value: unknown) =>
        queue.jobs.reply('approval', { threadId: 'a', waitId: wait!.key, value });

      const invalid = await reply({ approved: 'yes' });
      expect(await queue.jobs.result('approval', invalid)).toEqual({
        threadId: 'a',
        status: 'refused',
        code: 'human.invalid_reply',
        detail: expect.stringMatching(
          /^The reply to "Ship it\?" does not match the expected shape \(approved: .*the wait stays open/,
        ),
      });

      const applied = await reply({ approved: true });
      expect(await queue.jobs.result('approval', applied)).toEqual({
        threadId: 'a',
        status: 'waiting',
      });

      const again = await reply({ approved: true });
      expect(await queue.jobs.result('approval', again)).toMatchObject({
        threadId: 'a',
        status: 'already-answered',
        code: 'run.not_waiting',
      });

      const stranger = await queue.jobs.reply('approval', {
        threadId: 'nope',
        waitId: wait!.key,
        value: { approved: true },
      });
      expect(await queue.jobs.result('approval', stranger)).toEqual({
        threadId: 'nope',
        status: 'refused',
        code: 'run.not_found',
        detail: expect.stringContaining('"nope" is not in the store'),
      });
    } finally {
      await queue.close();
      await worker.close();
    }
  }, 60_000);

  it('fails with job.not_found for an id no job of the agent has, a malformed id, or an agent with no queue', async () => {
    const queue = await createThreadJobs({
      connectionString: postgres.connectionString,
      jobSchema: 'results_missing',
    });
    try {
      const sent = await queue.jobs.start('billing', { threadId: 'B-1', input: {} });
      const cases: [string, string, RegExp][] = [
        ['billing', '8d6f1c1e-2b7a-4c1e-9a51-0c7f0a3b9e11', /has no job 8d6f1c1e/],
        ['billing', 'job-1', /"job-1" is not a job id/],
        ['shipping', sent, /Agent "shipping" has no job queue/],
      ];
      for (const [agent, jobId, message] of cases) {
        const error = await failureOf(queue.jobs.result(agent, jobId, { timeoutMs: 0 }));
        expect(ThreadJobError.isInstance(error)).toBe(true);
        expect(error).toMatchObject({ code: 'job.not_found', jobId, message });
      }
    } finally {
      await queue.close();
    }
  });

  it('answers a job of another tenant, or of none, as no such job when asked for a tenant', async () => {
    // Before: jobs.result took no tenant, so an API answering `GET /jobs/:id` (the 202 of
    // docs/deployment.md) gave any tenant holding a job id another tenant's thread and detail.
    const queue = await createThreadJobs({
      connectionString: postgres.connectionString,
      jobSchema: 'results_tenants',
    });
    try {
      const acme = await queue.jobs.start('billing', {
        threadId: 'acme:B-1',
        input: {},
        tenantId: 'acme',
      });
      const operator = await queue.jobs.start('billing', { threadId: 'B-2', input: {} });
      for (const jobId of [acme, operator]) {
        const error = await failureOf(
          queue.jobs.result('billing', jobId, { timeoutMs: 0, tenantId: 'globex' }),
        );
        expect(error).toMatchObject({
          code: 'job.not_found',
          message: expect.stringMatching(/^The job queue of agent "billing" has no job /),
        });
        expect((error as Error).message).not.toMatch(/acme|B-/);
      }
      // Its own tenant finds it (not finished: no worker serves this queue).
      await expect(
        queue.jobs.result('billing', acme, { timeoutMs: 0, tenantId: 'acme' }),
      ).rejects.toMatchObject({ code: 'job.timeout' });
    } finally {
      await queue.close();
    }
  });

  it('fails with job.timeout, saying no worker took the job, when none serves its agent', async () => {
    const queue = await createThreadJobs({
      connectionString: postgres.connectionString,
      jobSchema: 'results_unserved',
    });
    try {
      const sent = await queue.jobs.start('billing', { threadId: 'B-1', input: {} });
      for (const timeoutMs of [0, 300]) {
        const error = await failureOf(queue.jobs.result('billing', sent, { timeoutMs }));
        expect(error).toMatchObject({
          name: 'ThreadJobError',
          code: 'job.timeout',
          message: expect.stringMatching(
            new RegExp(
              `^The start job ${sent} of thread "B-1" for agent "billing" had not finished after ${timeoutMs} ms: no worker has taken it yet .* call jobs.result again to wait longer\\.$`,
            ),
          ),
        });
      }
      await expect(
        queue.jobs.result('billing', sent, { timeout: 5 } as never),
      ).rejects.toMatchObject({
        code: 'definition.invalid_option',
        message: expect.stringContaining('did you mean timeoutMs?'),
      });
    } finally {
      await queue.close();
    }
  });

  it('times out on time when the wall clock is set back while it waits', async () => {
    const queue = await createThreadJobs({
      connectionString: postgres.connectionString,
      jobSchema: 'results_stepped',
    });
    const realNow = Date.now;
    try {
      const sent = await queue.jobs.start('billing', { threadId: 'B-2', input: {} });
      // NTP sets the clock back an hour just after the wait began.
      let calls = 0;
      Date.now = () => realNow() - (calls++ > 0 ? 3_600_000 : 0);
      const error = await failureOf(queue.jobs.result('billing', sent, { timeoutMs: 300 }));
      Date.now = realNow;
      // Before: it waited on for the hour the clock went back (bounded here by the test's own
      // timeout); a web request awaiting it hung that long.
      expect(error).toMatchObject({ code: 'job.timeout' });
    } finally {
      Date.now = realNow;
      await queue.close();
    }
  });

  it('fails with job.failed, with the last error, for a job given up after its tries or cancelled', async () => {
    const jobSchema = 'results_failed';
    const queue = await createThreadJobs({
      connectionString: postgres.connectionString,
      jobSchema,
    });
    const boss = new PgBoss({ connectionString: postgres.connectionString, schema: jobSchema });
    boss.on('error', () => undefined);
    try {
      const cancelled = await queue.jobs.start('billing', { threadId: 'B-1', input: {} });
      await boss.start();
      await boss.cancel(queueNameOf('billing'), cancelled);
      await expect(queue.jobs.result('billing', cancelled)).rejects.toMatchObject({
        code: 'job.failed',
        message: expect.stringContaining('was cancelled'),
      });
      // What a worker's last failed try leaves: the job failed, its error as its output.
      const given = await boss.send(
        queueNameOf('billing'),
        { kind: 'start', threadId: 'B-2', input: {} },
        { retryLimit: 0 },
      );
      const [taken] = await boss.fetch(queueNameOf('billing'));
      expect(taken?.id).toBe(given);
      await boss.fail(queueNameOf('billing'), given!, new Error('the lease is held'));
      await expect(queue.jobs.result('billing', given!)).rejects.toMatchObject({
        code: 'job.failed',
        message: expect.stringMatching(
          /^The start job .* of thread "B-2" for agent "billing" was given up: .* the last with "the lease is held"\./,
        ),
      });
    } finally {
      await boss.stop({ graceful: false, close: true });
      await queue.close();
    }
  });
});

describe('jobs.reply and the others', () => {
  it('refuse, before queueing, a job with no agent name, no thread id, or a reply with no wait id', async () => {
    // Before: the reply was queued and answered whichever wait was open (a second delivery,
    // the next one); a missing thread id failed fifty times on a worker.
    const queue = await createThreadJobs({
      connectionString: postgres.connectionString,
      jobSchema: 'results_checked',
    });
    try {
      const missing = [
        () => queue.jobs.reply('billing', { threadId: 'B-1', value: {} } as never),
        () => queue.jobs.event('billing', { event: { type: 'go' } } as never),
        () => queue.jobs.start(undefined as never, { threadId: 'B-1', input: {} }),
      ];
      const messages = [
        /^jobs\.reply: waitId is nothing\./,
        /^jobs\.event: threadId is/,
        /^jobs\.start: the agent is/,
      ];
      for (const [index, send] of missing.entries()) {
        const error = await failureOf(send());
        expect(DefinitionError.isInstance(error)).toBe(true);
        expect(error).toMatchObject({
          code: 'definition.invalid_option',
          message: expect.stringMatching(messages[index]!),
        });
      }
    } finally {
      await queue.close();
    }
  });
});
