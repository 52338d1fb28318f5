import { describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { z } from 'zod';
import { createAgent } from '../agent/create-agent';
import { humanWait } from '../effects/human-wait';
import { MemoryCheckpointer } from '../store/memory-checkpointer';
import { manualClock } from '../testing/manual-clock';

const asking = setup({
  actors: { ask: humanWait({ prompt: () => 'Go?', reply: z.boolean(), timeoutMs: 100 }) },
}).createMachine({
  id: 'asking',
  initial: 'asking',
  states: {
    asking: { invoke: { src: 'ask', onDone: 'done', onError: 'again' } },
    again: { invoke: { src: 'ask', onDone: 'done', onError: 'done' } },
    done: { type: 'final' },
  },
});

describe('timers after end', () => {
  it.each([false, true])(
    'no timer left after the run ends by a reply before the deadline (evictWaiting %s)',
    async (evictWaiting) => {
      const clock = manualClock(0);
      const agent = createAgent({
        machine: asking,
        clock,
        checkpointer: new MemoryCheckpointer(),
        evictWaiting,
        limits: { maxWallTimeMs: 5_000 },
      });
      const handle = agent.start({ threadId: 'w', input: undefined });
      await handle.result();
      const h = await agent.send('w', { type: 'human.reply', value: true });
      expect((await h.result()).status).toBe('done');
      for (let j = 0; j < 5; j++) await clock.advance(0);
      expect(clock.pending()).toBe(0);
      await agent.close();
    },
  );

  it.each([false, true])(
    'wait timeouts then a second wait, deadline in between: ends limit at the deadline, once (evictWaiting %s)',
    async (evictWaiting) => {
      const clock = manualClock(0);
      const checkpointer = new MemoryCheckpointer();
      const agent = createAgent({
        machine: asking,
        clock,
        checkpointer,
        evictWaiting,
        limits: { maxWallTimeMs: 150 },
      });
      const reached: unknown[] = [];
      agent.events.on('limit.reached', (e) => reached.push(e));
      agent.start({ threadId: 'w', input: undefined });
      await clock.advance(100);
      for (let j = 0; j < 5; j++) await clock.advance(0);
      expect((await checkpointer.latest('w'))?.wakeAt).toBe(150);
      await clock.advance(50);
      for (let j = 0; j < 5; j++) await clock.advance(0);
      expect((await checkpointer.latest('w'))?.run).toMatchObject({ status: 'limit' });
      expect(reached).toHaveLength(1);
      expect(clock.pending()).toBe(0);
      await agent.close();
    },
  );
});
