import { describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { z } from 'zod';
import { createAgent } from '../agent/create-agent';
import { agentActor } from '../effects/agent-actor';
import { humanWait } from '../effects/human-wait';
import { MemoryCheckpointer } from '../store/memory-checkpointer';
import { manualClock } from '../testing/manual-clock';

const summary = z.object({ summary: z.string() });

function parent(childDelay = 0) {
  const approver = setup({
    actors: { ask: humanWait({ prompt: () => 'Approve?', reply: z.boolean() }) },
  }).createMachine({
    id: 'approver',
    initial: 'asking',
    states: { asking: { invoke: { src: 'ask', onDone: 'done' } }, done: { type: 'final' } },
    output: () => ({ summary: 'approved' }),
  });
  return setup({
    actors: { approve: agentActor({ machine: approver, input: z.object({}), output: summary }) },
  }).createMachine({
    id: 'parent',
    initial: childDelay ? 'pausing' : 'approving',
    states: {
      pausing: { after: { [childDelay]: 'approving' } },
      approving: { invoke: { src: 'approve', input: {}, onDone: 'done', onError: 'failed' } },
      done: { type: 'final' },
      failed: { type: 'final' },
    },
  });
}

describe('a child agent waiting while the parent reaches its wall limit', () => {
  it.each([false, true])(
    'the parent ends limit at its deadline, once; the child is not left waiting (evictWaiting %s)',
    async (evictWaiting) => {
      const clock = manualClock(0);
      const checkpointer = new MemoryCheckpointer();
      const agent = createAgent({
        machine: parent(),
        clock,
        checkpointer,
        evictWaiting,
        limits: { maxWallTimeMs: 500 },
      });
      const reached: [string, unknown][] = [];
      agent.events.on('limit.reached', (e) =>
        reached.push([(e as { threadId: string }).threadId, e]),
      );
      const handle = agent.start({ threadId: 'p', input: {} });
      expect((await handle.result()).status).toBe('waiting');
      expect((await checkpointer.latest('p'))?.wakeAt).toBe(500);
      await clock.advance(500);
      for (let j = 0; j < 20; j++) await clock.advance(0);
      expect((await checkpointer.latest('p'))?.run).toMatchObject({
        status: 'limit',
        limit: { limit: 'maxWallTimeMs' },
      });
      const threads = await checkpointer.listThreads!({});
      const statuses = Object.fromEntries(
        await Promise.all(threads.map(async (t) => [t.threadId, t.status])),
      );
      expect(Object.values(statuses).filter((s) => s === 'waiting')).toEqual([]);
      expect(reached.map(([t]) => t)).toEqual(['p']);
      await agent.close();
    },
  );

  it.each([false, true])(
    'a child started later (own later deadline): the parent wakes at its own deadline (evictWaiting %s)',
    async (evictWaiting) => {
      const clock = manualClock(0);
      const checkpointer = new MemoryCheckpointer();
      const agent = createAgent({
        machine: parent(100),
        clock,
        checkpointer,
        evictWaiting,
        limits: { maxWallTimeMs: 500 },
      });
      const handle = agent.start({ threadId: 'p', input: {} });
      await clock.advance(100);
      for (let j = 0; j < 20; j++) await clock.advance(0);
      expect((await checkpointer.latest('p'))?.run.status).toBe('waiting');
      expect((await checkpointer.latest('p'))?.wakeAt).toBe(500);
      await clock.advance(400);
      for (let j = 0; j < 20; j++) await clock.advance(0);
      expect((await checkpointer.latest('p'))?.run).toMatchObject({ status: 'limit' });
      void handle;
      await agent.close();
    },
  );
});
