import { agentFactory, createAgent, humanWait } from '@agentchart/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { z } from 'zod';
import { type FreezableProxy, startFreezableProxy } from '../../test/freezable-proxy';
import { PostgresCheckpointer } from '../postgres-checkpointer';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../testing/throwaway-postgres';
import { createPostgresWorker } from './create-postgres-worker';
import { createThreadJobs } from './create-thread-jobs';

let postgres: ThrowawayPostgres;
const proxies: FreezableProxy[] = [];
beforeAll(async () => {
  postgres = await startThrowawayPostgres();
}, 60_000);
afterAll(async () => {
  await Promise.all(proxies.map((proxy) => proxy.stop()));
  postgres?.stop();
});

async function proxy(): Promise<FreezableProxy> {
  const started = await startFreezableProxy(postgres.connectionString);
  proxies.push(started);
  return started;
}

const approval = setup({
  actors: { approve: humanWait({ prompt: () => 'Ship?', reply: z.object({ ok: z.boolean() }) }) },
}).createMachine({
  id: 'approval',
  initial: 'asking',
  states: { asking: { invoke: { src: 'approve', onDone: 'done' } }, done: { type: 'final' } },
});

describe('the job queue on a server that stops answering', () => {
  // The queue's schema and the agent's queue are made beforehand, at the default timeout: on
  // a loaded machine, making them took longer than the 300 ms the tests give a statement, and
  // the queue failed to start before the server was frozen.
  beforeAll(async () => {
    const queue = await createThreadJobs({ connectionString: postgres.connectionString });
    await queue.jobs.start('approval', { threadId: 'warm-up', input: {} });
    await queue.close();
  }, 60_000);

  it('fails a job sent to it after queryTimeoutMs, and close() returns', async () => {
    const hung = await proxy();
    const errors: unknown[] = [];
    const queue = await createThreadJobs({
      connectionString: hung.connectionString,
      queryTimeoutMs: 300,
      onError: (error) => errors.push(error),
    });
    await queue.jobs.start('approval', { threadId: 'before', input: {} });
    hung.freeze();
    // Without a limit on pg-boss's statements, this and close() waited for as long as the
    // server hung.
    await expect(queue.jobs.start('approval', { threadId: 'during', input: {} })).rejects.toThrow();
    await queue.close();
  }, 30_000);

  it('fails a job it could not queue with a StorageError naming the server and the job, not a bare driver error', async () => {
    const hung = await proxy();
    const queue = await createThreadJobs({
      connectionString: hung.connectionString,
      queryTimeoutMs: 300,
      onError: () => undefined,
    });
    await queue.jobs.start('approval', { threadId: 'before', input: {} });
    hung.freeze();
    const error = await queue.jobs
      .reply('approval', { threadId: 't', waitId: 'w', value: {} })
      .then(
        () => undefined,
        (failure: unknown) => failure,
      );
    expect(error).toMatchObject({
      name: 'StorageError',
      code: 'storage.timeout',
      path: `postgres://postgres@127.0.0.1:${new URL(hung.connectionString).port}/postgres`,
    });
    expect((error as Error).message).toContain(
      'queueing a reply job of thread "t" for agent "approval"',
    );
    await queue.close();
  }, 30_000);

  it("lets a worker's close() return (it waited for ever on pg-boss's shutdown)", async () => {
    const hung = await proxy();
    const errors: unknown[] = [];
    const worker = await createPostgresWorker({
      connectionString: hung.connectionString,
      schema: 'hung_worker',
      agents: [agentFactory((host) => createAgent({ machine: approval, ...host }))],
      queryTimeoutMs: 300,
      onError: (error) => errors.push(error),
    });
    await worker.jobs.start('approval', { threadId: 'asking', input: {} });
    const store = new PostgresCheckpointer({
      connectionString: postgres.connectionString,
      schema: 'hung_worker',
    });
    try {
      for (let tries = 0; tries < 300; tries++) {
        if ((await store.latest('asking'))?.run.status === 'waiting') break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect((await store.latest('asking'))?.run.status).toBe('waiting');
    } finally {
      await store.close();
    }
    hung.freeze();
    await worker.close({ timeoutMs: 500 });
  }, 30_000);
});
