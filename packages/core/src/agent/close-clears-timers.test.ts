import { describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { z } from 'zod';
import { countingClock } from '../clock/counting-clock.test-support';
import { humanWait } from '../effects/human-wait';
import { MemoryCheckpointer } from '../store/memory-checkpointer';
import { createAgent } from './create-agent';

const approval = setup({
  actors: {
    approve: humanWait({
      prompt: () => 'Approve?',
      reply: z.object({ ok: z.boolean() }),
      timeoutMs: 60 * 60 * 1000,
    }),
  },
}).createMachine({
  id: 'approval',
  initial: 'asking',
  states: { asking: { invoke: { src: 'approve', onDone: 'done' } }, done: { type: 'final' } },
});

describe('agent.close()', () => {
  it('leaves no timer of the agent armed: not the lease heartbeat, not a wait’s wake-up', async () => {
    const clock = countingClock();
    const agent = createAgent({ machine: approval, checkpointer: new MemoryCheckpointer(), clock });
    const answered = await agent.start({ threadId: 'answered', input: undefined });
    expect((await answered.result()).status).toBe('waiting');
    await answered.reply({ ok: true });
    expect((await answered.result()).status).toBe('done');
    // Left waiting, evicted, with a timer for its deadline.
    expect((await agent.run({ threadId: 'waiting', input: undefined })).status).toBe('waiting');
    expect(clock.pending()).toBeGreaterThan(0);

    await agent.close();

    // Before: the heartbeat's timer stayed armed until its next beat (leaseTtlMs / 3).
    expect(clock.pending()).toBe(0);
  });
});
