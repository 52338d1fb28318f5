import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { z } from 'zod';
import { tempStores } from '../../test/fixtures/temp-stores';
import { createAgent } from '../agent/create-agent';
import { humanWait } from '../effects/human-wait';
import { manualClock } from '../testing/manual-clock';

let stores: ReturnType<typeof tempStores>;
beforeEach(() => {
  stores = tempStores();
});
afterEach(() => stores.cleanup());

/** Asks a human, and gives up after a minute. */
const machine = setup({
  actors: {
    ask: humanWait({ prompt: () => 'Go?', reply: z.object({ go: z.boolean() }) }),
  },
}).createMachine({
  id: 'offer',
  initial: 'asking',
  states: {
    asking: {
      invoke: { src: 'ask', onDone: 'accepted' },
      after: { 60000: 'expired' },
    },
    accepted: { type: 'final' },
    expired: { type: 'final' },
  },
  output: ({ self }) => ({ ended: self.getSnapshot().value }),
});

describe('DelayedEvents', () => {
  it('stores a pending after timer in the checkpoint with its due time on the agent clock', async () => {
    const agent = createAgent({ machine, checkpointer: stores.open(), clock: manualClock(1_000) });
    await agent.start({ threadId: 't', input: undefined }).result();
    const checkpoint = await agent.getCheckpoint('t');
    expect(checkpoint?.delayedEvents).toEqual([
      expect.objectContaining({ source: '', target: '', dueAt: 61_000 }),
    ]);
  });

  it('re-arms an after timer on resume with the time it had left', async () => {
    const first = createAgent({ machine, checkpointer: stores.open(), clock: manualClock(0) });
    await first.start({ threadId: 't', input: undefined }).result();
    // The first process exits, giving its lease up (at 20 s its 30 s lease would still be live).
    await first.close();
    const clock = manualClock(20_000);
    // The handle follows the resumed run while its timer runs (not evicted while it waits).
    const agent = createAgent({ machine, checkpointer: stores.open(), clock, evictWaiting: false });
    const handle = await agent.resume('t');
    await clock.advance(39_999);
    expect(handle.getSnapshot().value).toBe('asking');
    await clock.advance(1);
    expect(await handle.result()).toMatchObject({ status: 'done' });
    expect(handle.getSnapshot().value).toBe('expired');
  });

  it('wakes a waiting run evicted to a durable store inside the advance that makes its timer due', async () => {
    // Before: the wake restored the run after the advance had returned, and armed its due
    // timer again at 0 ms on the manual clock, which nothing moved again: result() hung.
    const clock = manualClock(0);
    const agent = createAgent({ machine, checkpointer: stores.open(), clock });
    const handle = agent.start({ threadId: 't', input: undefined });
    expect(await handle.result()).toMatchObject({ status: 'waiting' });
    await clock.advance(60_000);
    expect(await handle.result()).toMatchObject({ status: 'done' });
    expect(handle.getSnapshot().value).toBe('expired');
    expect(clock.pending()).toBe(0);
    await agent.close();
  });

  it('fires a timer that fell due while no process ran, as soon as the thread resumes', async () => {
    await createAgent({ machine, checkpointer: stores.open(), clock: manualClock(0) })
      .start({ threadId: 't', input: undefined })
      .result();
    const clock = manualClock(120_000);
    const handle = await createAgent({ machine, checkpointer: stores.open(), clock }).resume('t');
    await clock.advance(0);
    expect(handle.getSnapshot().value).toBe('expired');
  });
});
