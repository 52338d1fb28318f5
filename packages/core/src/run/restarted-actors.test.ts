import { describe, expect, it } from 'vitest';
import { assign, fromCallback, fromObservable, fromPromise, setup } from 'xstate';
import { z } from 'zod';
import { createAgent } from '../agent/create-agent';
import { humanWait } from '../effects/human-wait';
import { MemoryCheckpointer } from '../store/memory-checkpointer';
import { manualClock } from '../testing/manual-clock';

/** A chart running a plain promise, callback and observable next to a human wait. */
function plainActors() {
  const starts = { promise: 0, callback: 0, observable: 0 };
  const machine = setup({
    types: { context: {} as { answered: boolean } },
    actors: {
      fetchRates: fromPromise(() => {
        starts.promise++;
        return new Promise<number>(() => undefined);
      }),
      listen: fromCallback(() => {
        starts.callback++;
        return () => undefined;
      }),
      ticks: fromObservable(() => ({
        subscribe: () => {
          starts.observable++;
          return { unsubscribe: () => undefined };
        },
      })),
      ask: humanWait({ prompt: () => 'Go on?', reply: z.string() }),
    },
  }).createMachine({
    id: 'plain',
    context: { answered: false },
    type: 'parallel',
    states: {
      fetching: { invoke: { src: 'fetchRates' } },
      listening: { invoke: [{ src: 'listen' }, { src: 'ticks' }] },
      asking: {
        initial: 'asking',
        states: {
          asking: {
            invoke: {
              src: 'ask',
              onDone: { target: 'answered', actions: assign({ answered: true }) },
            },
          },
          answered: {},
        },
      },
    },
  });
  return { machine, starts };
}

/** Lets pending promise callbacks and zero-delay timers run. */
async function settle(clock: ReturnType<typeof manualClock>) {
  for (let turn = 0; turn < 5; turn++) await clock.advance(0);
}

/** Hands the agent's runs back, past the close's 10 ms grace (the promise never settles). */
async function handBack(
  agent: { close(options: { timeoutMs: number }): Promise<void> },
  clock: ReturnType<typeof manualClock>,
) {
  const closing = agent.close({ timeoutMs: 10 });
  await clock.advance(20);
  await settle(clock);
  await closing;
}

describe('restartedActors', () => {
  it('warns of each plain actor a run restored after a hand-back starts again, naming its source and state', async () => {
    const { machine, starts } = plainActors();
    const clock = manualClock(0);
    const checkpointer = new MemoryCheckpointer();
    const first = createAgent({ machine, clock, checkpointer });
    const handle = first.start({ threadId: 't', input: {} });
    await settle(clock);
    await handBack(first, clock);
    expect(await handle.result()).toMatchObject({ status: 'stopped', handedBack: true });
    expect(starts).toEqual({ promise: 1, callback: 1, observable: 1 });

    const second = createAgent({ machine, clock, checkpointer });
    const warnings: string[] = [];
    second.events.on('agent.warning', ({ code, message }) => warnings.push(`${code}: ${message}`));
    await second.resume('t');
    await settle(clock);
    // Each started again, and said so; the human wait (an agentchart effect) is not named.
    expect(starts).toEqual({ promise: 2, callback: 2, observable: 2 });
    expect(warnings).toEqual([
      expect.stringMatching(
        /^restore\.actor_restarted: The run was restored while "fetchRates" \(invoked in state "plain\.fetching"\) was running, and XState started it again: .*no journal.*toolCall/,
      ),
      expect.stringContaining(`"listen" (invoked in state "plain.listening")`),
      expect.stringContaining(`"ticks" (invoked in state "plain.listening")`),
    ]);
    await handBack(second, clock);
  });

  it('says nothing when the restored run had only agentchart effects active (an eviction while waiting)', async () => {
    const machine = setup({
      actors: {
        fetchRates: fromPromise(async () => 1),
        ask: humanWait({ prompt: () => 'Go on?', reply: z.string() }),
      },
    }).createMachine({
      id: 'waits',
      initial: 'fetching',
      states: {
        fetching: { invoke: { src: 'fetchRates', onDone: 'asking' } },
        asking: { invoke: { src: 'ask', onDone: 'done' } },
        done: { type: 'final' },
      },
    });
    const clock = manualClock(0);
    const agent = createAgent({ machine, clock, checkpointer: new MemoryCheckpointer() });
    const warnings: string[] = [];
    agent.events.on('agent.warning', ({ code }) => warnings.push(code));
    expect((await agent.start({ threadId: 't', input: {} }).result()).status).toBe('waiting');
    const handle = await agent.send('t', { type: 'human.reply', value: 'yes' });
    expect((await handle.result()).status).toBe('done');
    expect(warnings).toEqual([]);
    await agent.close();
  });
});
