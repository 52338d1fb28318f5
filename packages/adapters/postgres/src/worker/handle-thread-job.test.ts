import { createAgent, humanWait, MemoryCheckpointer, StorageError } from '@agentchart/core';
import type { AcquireLeaseOptions, ThreadLease } from '@agentchart/core/internal';
import { describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { z } from 'zod';
import { handleThreadJob } from './handle-thread-job';

const approval = setup({
  actors: { approve: humanWait({ prompt: () => 'Ship?', reply: z.object({ ok: z.boolean() }) }) },
}).createMachine({
  id: 'approval',
  initial: 'asking',
  states: { asking: { invoke: { src: 'approve', onDone: 'done' } }, done: { type: 'final' } },
});

/** A store whose server is out of reach for the first `failures` leases asked of it. */
class FlakyStore extends MemoryCheckpointer {
  constructor(private failures: number) {
    super();
  }
  override async acquireLease(
    threadId: string,
    options: AcquireLeaseOptions,
  ): Promise<ThreadLease> {
    if (this.failures-- > 0) {
      throw new StorageError('storage.unavailable', 'postgres://db/agents', 'the server is down');
    }
    return super.acquireLease(threadId, options);
  }
}

describe('handleThreadJob', () => {
  it('fails a start job whose run met a storage fault, so the queue tries it again and the start is not lost', async () => {
    const agent = createAgent({ machine: approval, checkpointer: new FlakyStore(1) });
    const job = { kind: 'start', threadId: 'T-1', input: {} } as const;
    await expect(handleThreadJob(agent, job, { closing: () => false })).rejects.toMatchObject({
      code: 'storage.unavailable',
    });
    // The queue's retry: the server answers again, and the thread starts.
    expect(await handleThreadJob(agent, job, { closing: () => false })).toEqual({
      threadId: 'T-1',
      status: 'waiting',
    });
    await agent.close();
  });
});
