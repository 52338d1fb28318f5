import { describe, expect, it } from 'vitest';
import { assign, setup } from 'xstate';
import { z } from 'zod';
import { createAgent } from '../agent/create-agent';
import { humanWait } from '../effects/human-wait';
import type { RunEventType } from '../events/types';

/** Waits for an approval; `cancel` is taken only while asking, and only with a reason. */
const machine = setup({
  types: {
    context: {} as { outcome: string },
    events: {} as { type: 'cancel'; reason?: string } | { type: 'note' },
  },
  actors: { ask: humanWait({ prompt: () => 'Approve?', reply: z.boolean() }) },
}).createMachine({
  id: 'approval',
  context: { outcome: 'pending' },
  initial: 'asking',
  states: {
    asking: {
      invoke: { src: 'ask', onDone: 'approved' },
      on: {
        cancel: {
          guard: ({ event }) => event.reason !== undefined,
          target: 'cancelled',
          actions: assign({ outcome: 'cancelled' }),
        },
      },
    },
    approved: { type: 'final', entry: assign({ outcome: 'approved' }) },
    cancelled: { type: 'final' },
  },
  output: ({ context }) => context,
});

describe('Run', () => {
  it('refuses an event no state accepts, and takes no step for it: no checkpoint, no new rest, no limit reached', async () => {
    for (const evictWaiting of [false, true]) {
      const agent = createAgent({ machine, evictWaiting, limits: { maxSteps: 5 } });
      const seen: RunEventType[] = [];
      const handle = agent.start({ threadId: 't', input: {} });
      const rested = await handle.result();
      expect(rested.status).toBe('waiting');
      const versions = (await agent.history('t')).length;
      agent.events.onAny((event) => seen.push(event.type));
      // Events the chart drops: one it has no transition for, one its guard refuses.
      for (let sent = 0; sent < 10; sent++) {
        const guarded = sent % 2 === 0;
        await expect(
          agent.send('t', guarded ? { type: 'cancel' } : { type: 'note' }),
        ).rejects.toMatchObject({
          code: 'run.event_not_taken',
          details: { states: ['asking'], takes: ['cancel'], guarded },
        });
      }
      // Before: each was a macrostep with its checkpoint and a `run.waiting` again, and the
      // fifth reached maxSteps: anyone who could send an event ended the thread.
      expect(seen).not.toContain('limit.reached');
      expect(await handle.result()).toMatchObject({
        status: 'waiting',
        usage: { steps: rested.usage.steps },
      });
      if (!evictWaiting) {
        // In memory, nothing happened at all. (An evicted thread is restored to take an
        // event, and that restore is stored, as for any event.)
        expect(seen).toEqual([]);
        expect((await agent.history('t')).length).toBe(versions);
      }
      // An event it accepts is a step as before.
      const cancel = { type: 'cancel' as const, reason: 'duplicate' };
      await agent.send('t', cancel);
      expect(await handle.result()).toMatchObject({
        status: 'done',
        output: { outcome: 'cancelled' },
      });
      await agent.close();
    }
  });
});
