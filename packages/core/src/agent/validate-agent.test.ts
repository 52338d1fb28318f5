import { describe, expect, it } from 'vitest';
import { assign, setup, spawnChild } from 'xstate';
import { z } from 'zod';
import { humanWait } from '../effects/human-wait';
import { pinger } from '../run/pinger.test-support';
import { MemoryCheckpointer } from '../store/memory-checkpointer';
import { manualClock } from '../testing/manual-clock';
import { createAgent } from './create-agent';

/** A chart that spawns one pinger on entry and another on `SPAWN`, `withIds` or not. */
function pinging(withIds: boolean) {
  return setup({
    types: { context: {} as { pongs: number[] } },
    actors: { pinger, ask: humanWait({ prompt: () => 'Done?', reply: z.string() }) },
  }).createMachine({
    id: 'pinging',
    context: { pongs: [] },
    initial: 'waiting',
    entry: withIds
      ? spawnChild('pinger', { id: 'pinger-1', input: { n: 1 } })
      : spawnChild('pinger', { input: { n: 1 } }),
    states: {
      waiting: {
        invoke: { src: 'ask', onDone: 'done' },
        on: {
          SPAWN: {
            actions: withIds
              ? spawnChild('pinger', { id: 'pinger-2', input: { n: 2 } })
              : spawnChild('pinger', { input: { n: 2 } }),
          },
          PONG: { actions: assign({ pongs: ({ context, event }) => [...context.pongs, event.n] }) },
        },
      },
      done: { type: 'final' },
    },
    output: ({ context }) => context.pongs,
  });
}

describe('validateAgent', () => {
  it('refuses a child spawned without an id, whose timers a restore would lose (statechart trial)', () => {
    expect(() => createAgent({ machine: pinging(false) })).toThrow(
      expect.objectContaining({
        code: 'definition.spawn_without_id',
        message: expect.stringContaining(`State "pinging" spawns "pinger" without an id`),
      }),
    );
  });

  it('finds a spawn without an id in a transition and in a named action', () => {
    const inTransition = setup({ actors: { pinger } }).createMachine({
      id: 'late',
      initial: 'idle',
      states: { idle: { on: { GO: { actions: spawnChild('pinger', { input: { n: 1 } }) } } } },
    });
    const named = setup({
      actors: { pinger },
      actions: { startPinger: spawnChild('pinger', { input: { n: 1 } }) },
    }).createMachine({ id: 'named', initial: 'idle', states: { idle: { entry: 'startPinger' } } });
    for (const [machine, state] of [
      [inTransition, 'late.idle'],
      [named, 'named.idle'],
    ] as const) {
      expect(() => createAgent({ machine })).toThrow(
        expect.objectContaining({
          code: 'definition.spawn_without_id',
          message: expect.stringContaining(`State "${state}"`),
        }),
      );
    }
  });

  it('keeps every spawned child with an id, and its timer, across an eviction', async () => {
    const clock = manualClock(0);
    const checkpointer = new MemoryCheckpointer();
    const agent = createAgent({ machine: pinging(true), clock, checkpointer });
    expect((await agent.start({ threadId: 't', input: {} }).result()).status).toBe('waiting');
    expect((await (await agent.send('t', { type: 'SPAWN' })).result()).status).toBe('waiting');
    await clock.advance(10_000);
    for (let turn = 0; turn < 5; turn++) await clock.advance(0);
    const handle = await agent.send('t', { type: 'human.reply', value: 'yes' });
    expect(await handle.result()).toMatchObject({ status: 'done', output: [1, 2] });
    await agent.close();
  });
});
