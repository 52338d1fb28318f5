import { describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { z } from 'zod';
import { createAgent } from '../agent/create-agent';
import { humanWait } from '../effects/human-wait';
import { MemoryCheckpointer } from '../store/memory-checkpointer';
import { manualClock } from '../testing/manual-clock';

const timerMachine = setup({}).createMachine({
  id: 'reminder',
  initial: 'sleeping',
  states: { sleeping: { after: { 60000: 'done' } }, done: { type: 'final' } },
});

const approvalMachine = setup({
  actors: {
    approve: humanWait({
      prompt: () => 'Approve the refund?',
      reply: z.object({ approved: z.boolean() }),
      timeoutMs: 3_600_000,
    }),
  },
}).createMachine({
  id: 'approval',
  initial: 'asking',
  states: {
    asking: { invoke: { src: 'approve', onDone: 'done', onError: 'done' } },
    done: { type: 'final' },
  },
});

describe('a checkpoint’s wake time', () => {
  it('is the due time of the run’s next delayed event', async () => {
    const clock = manualClock(1_000);
    const agent = createAgent({
      machine: timerMachine,
      checkpointer: new MemoryCheckpointer(),
      clock,
    });
    expect((await agent.start({ threadId: 't', input: {} }).result()).status).toBe('waiting');
    expect((await agent.getCheckpoint('t'))?.wakeAt).toBe(61_000);
    await clock.advance(60_000);
    const done = await agent.getCheckpoint('t');
    expect(done?.run.status).toBe('done');
    expect(done?.wakeAt).toBeUndefined();
  });

  it('is a human wait’s deadline, and the wait’s journal entry keeps its reply schema', async () => {
    const clock = manualClock(5_000);
    const agent = createAgent({
      machine: approvalMachine,
      checkpointer: new MemoryCheckpointer(),
      clock,
    });
    await agent.start({ threadId: 't', input: {} }).result();
    expect((await agent.getCheckpoint('t'))?.wakeAt).toBe(5_000 + 3_600_000);
    const [wait] = await agent.journal('t');
    expect(wait).toMatchObject({
      kind: 'human',
      status: 'started',
      input: 'Approve the refund?',
      meta: {
        deadline: 3_605_000,
        replySchema: {
          type: 'object',
          properties: { approved: { type: 'boolean' } },
          required: ['approved'],
        },
      },
    });
  });
});
