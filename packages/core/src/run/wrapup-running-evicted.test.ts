import { describe, expect, it } from 'vitest';
import { assign, setup } from 'xstate';
import { z } from 'zod';
import { createAgent } from '../agent/create-agent';
import { humanWait } from '../effects/human-wait';
import { MemoryCheckpointer } from '../store/memory-checkpointer';
import { manualClock } from '../testing/manual-clock';

const confirming = setup({
  types: { context: {} as { wrapped: number; answer?: unknown } },
  actors: { confirm: humanWait({ prompt: () => 'Keep partial?', reply: z.boolean() }) },
}).createMachine({
  id: 'confirming',
  context: { wrapped: 0 },
  initial: 'working',
  on: {
    'limit.reached': {
      target: '.confirming',
      actions: assign({ wrapped: ({ context }) => context.wrapped + 1 }),
    },
  },
  states: {
    working: { after: { 100: 'done' } },
    confirming: {
      invoke: {
        src: 'confirm',
        onDone: { target: 'done', actions: assign({ answer: ({ event }) => event.output }) },
      },
    },
    done: { type: 'final' },
  },
  output: ({ context }) => context,
});

describe('wrap-up begun while working, then its wait evicted', () => {
  it('a reply within the grace is delivered to the wrap-up wait', async () => {
    const clock = manualClock(0);
    const agent = createAgent({
      machine: confirming,
      clock,
      checkpointer: new MemoryCheckpointer(),
      limits: { maxWallTimeMs: 50 },
    });
    const handle = agent.start({ threadId: 'c', input: undefined });
    await clock.advance(50);
    expect((await handle.result()).status).toBe('waiting');
    await clock.advance(1_000);
    await agent.send('c', { type: 'human.reply', value: true });
    expect(await (await agent.resume('c')).result()).toMatchObject({
      status: 'done',
      output: { wrapped: 1, answer: true },
    });
    await agent.close();
  });
});
