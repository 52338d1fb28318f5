import { createAgent, humanWait } from '@agentchart/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { z } from 'zod';
import { PostgresCheckpointer } from './postgres-checkpointer';
import { startThrowawayPostgres, type ThrowawayPostgres } from './testing/throwaway-postgres';

let server: ThrowawayPostgres | undefined;

beforeAll(async () => {
  server = await startThrowawayPostgres();
});

afterAll(() => server?.stop());

const approval = setup({
  actors: {
    approve: humanWait({
      prompt: () => 'Approve the refund?',
      reply: z.object({ approved: z.boolean() }),
      timeoutMs: 24 * 60 * 60 * 1000,
    }),
  },
}).createMachine({
  id: 'refund',
  initial: 'asking',
  states: {
    asking: { invoke: { src: 'approve', onDone: 'done' } },
    done: { type: 'final' },
  },
});

/** Sockets that keep this process alive (an unref'd one is not listed). */
const socketsHoldingTheProcess = () =>
  process.getActiveResourcesInfo().filter((resource) => resource === 'TCPSocketWrap').length;

describe('a process whose runs all rest on PostgreSQL', () => {
  it('is not kept alive by the idle connections of the pool the store opened', async () => {
    const before = socketsHoldingTheProcess();
    const checkpointer = new PostgresCheckpointer({
      connectionString: server!.connectionString,
      schema: 'resting',
    });
    // Held in memory: its lease heartbeat uses a connection every 10 s, before the pool's
    // 10 s idle timeout would close it, so the process never exited.
    const agent = createAgent({ machine: approval, checkpointer, evictWaiting: false });
    try {
      expect((await agent.run({ threadId: 'refund-1', input: undefined })).status).toBe('waiting');
      // Every statement answered: the pool's connections are all idle now.
      expect((await checkpointer.latest('refund-1'))?.run.status).toBe('waiting');
      // Before: each of the pool's open connections was a socket holding the process.
      expect(socketsHoldingTheProcess()).toBe(before);
    } finally {
      await agent.close();
      await checkpointer.close();
    }
  });
});
