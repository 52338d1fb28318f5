import { describe, expect, it } from 'vitest';
import { type ActorRefFrom, assign, enqueueActions, setup } from 'xstate';
import { z } from 'zod';
import { createAgent } from '../agent/create-agent';
import { humanWait } from '../effects/human-wait';
import { MemoryCheckpointer } from '../store/memory-checkpointer';
import { manualClock } from '../testing/manual-clock';
import { pinger } from './pinger.test-support';

/** A chart that spawns a pinger from `assign` on each `SPAWN`, with an id or without. */
function pinging(withIds: boolean) {
  return setup({
    types: {
      context: {} as { pongs: number[]; pingers: ActorRefFrom<typeof pinger>[] },
      events: {} as { type: 'SPAWN'; n: number } | { type: 'PONG'; n: number } | { type: 'NOTE' },
    },
    actors: { pinger, ask: humanWait({ prompt: () => 'Done?', reply: z.string() }) },
  }).createMachine({
    id: 'pinging',
    context: { pongs: [], pingers: [] },
    initial: 'waiting',
    states: {
      waiting: {
        invoke: { src: 'ask', onDone: 'done' },
        on: {
          SPAWN: {
            actions: assign({
              pingers: ({ context, event, spawn }) => [
                ...context.pingers,
                withIds
                  ? spawn('pinger', { id: `pinger-${event.n}`, input: { n: event.n } })
                  : spawn('pinger', { input: { n: event.n } }),
              ],
            }),
          },
          PONG: { actions: assign({ pongs: ({ context, event }) => [...context.pongs, event.n] }) },
          NOTE: { actions: assign({ pongs: ({ context }) => [...context.pongs, 0] }) },
        },
      },
      done: { type: 'final' },
    },
    output: ({ context }) => context.pongs,
  });
}

async function trial(withIds: boolean) {
  const clock = manualClock(0);
  const agent = createAgent({
    machine: pinging(withIds),
    clock,
    checkpointer: new MemoryCheckpointer(),
  });
  const warnings: { threadId: string; code: string; message: string }[] = [];
  agent.events.on('agent.warning', ({ threadId, code, message }) =>
    warnings.push({ threadId, code, message }),
  );
  expect((await agent.start({ threadId: 't', input: {} }).result()).status).toBe('waiting');
  const send = async (event: Parameters<typeof agent.send>[1]) =>
    (await (await agent.send('t', event)).result()).status;
  return { agent, clock, warnings, send };
}

describe('spawnedWithoutId', () => {
  it('warns when a checkpoint stores a child spawned in assign without an id, which a restore in another process may lose', async () => {
    const { agent, warnings, send } = await trial(false);
    expect(warnings).toEqual([]);
    expect(await send({ type: 'SPAWN', n: 1 })).toBe('waiting');
    expect(warnings).toEqual([
      {
        threadId: 't',
        code: 'spawn.without_id',
        message: expect.stringMatching(
          /^State "pinging\.waiting" spawned "pinger" without an id\. XState keys such a child by its session id \("x:\d+"\).*lost.*spawn\('pinger', \{ id: 'pinger-1' \}\)/,
        ),
      },
    ]);
    // The run restored from that checkpoint (an eviction) stored the child already: not again.
    expect(await send({ type: 'NOTE' })).toBe('waiting');
    expect(warnings).toHaveLength(1);
    // Another child from the same line, in this new run: the chart's code is the same, and
    // once per agent and place is enough (before: once per run, which a server printed at
    // every request).
    expect(await send({ type: 'SPAWN', n: 2 })).toBe('waiting');
    expect(warnings).toHaveLength(1);
    await agent.close();
  });

  it('warns of a spawnChild without an id inside enqueueActions, which definition checks cannot see', async () => {
    const machine = setup({
      actors: { pinger, ask: humanWait({ prompt: () => 'Done?', reply: z.string() }) },
    }).createMachine({
      id: 'queued',
      initial: 'waiting',
      states: {
        waiting: {
          invoke: { src: 'ask' },
          entry: enqueueActions(({ enqueue }) => enqueue.spawnChild('pinger', { input: { n: 1 } })),
        },
      },
    });
    const agent = createAgent({
      machine,
      clock: manualClock(0),
      checkpointer: new MemoryCheckpointer(),
    });
    const warnings: string[] = [];
    agent.events.on('agent.warning', ({ code, message }) => warnings.push(`${code}: ${message}`));
    expect((await agent.start({ threadId: 't', input: {} }).result()).status).toBe('waiting');
    expect(warnings).toEqual([
      expect.stringMatching(
        /^spawn\.without_id: State "queued\.waiting" spawned "pinger" without an id\. XState keys such a child "undefined".*spawnChild\('pinger', \{ id: 'pinger-1' \}\)/,
      ),
    ]);
    await agent.close();
  });

  it('says nothing of children spawned with an id, which keep their timers across a restore', async () => {
    const { agent, clock, warnings, send } = await trial(true);
    expect(await send({ type: 'SPAWN', n: 1 })).toBe('waiting');
    expect(await send({ type: 'SPAWN', n: 2 })).toBe('waiting');
    await clock.advance(10_000);
    for (let turn = 0; turn < 5; turn++) await clock.advance(0);
    const handle = await agent.send('t', { type: 'human.reply', value: 'yes' });
    expect(await handle.result()).toMatchObject({ status: 'done', output: [1, 2] });
    expect(warnings).toEqual([]);
    await agent.close();
  });
});
