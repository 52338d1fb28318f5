import { describe, expect, it } from 'vitest';
import { assign, createMachine, raise, setup } from 'xstate';
import { z } from 'zod';
import { createAgent } from '../agent/create-agent';
import { humanWait } from '../effects/human-wait';
import type { RunEvent } from '../events/types';

/** A chart that routes through eventless states, from its start and after a reply. */
const routed = setup({
  actors: {
    ask: humanWait({ prompt: () => 'Which way?', reply: z.object({ way: z.string() }) }),
    // A child machine's own transient state is its own: not the run's.
    helper: createMachine({
      id: 'helper',
      initial: 'passing',
      states: { passing: { always: 'idle' }, idle: {} },
    }),
  },
  types: { context: {} as { way: string } },
}).createMachine({
  id: 'routed',
  context: { way: '' },
  initial: 'route',
  states: {
    route: { always: 'asking' },
    asking: {
      invoke: [
        {
          src: 'ask',
          onDone: { target: 'deciding', actions: assign({ way: ({ event }) => event.output.way }) },
        },
        { id: 'helper', src: 'helper' },
      ],
    },
    deciding: {
      always: [
        { guard: ({ context }) => context.way === 'left', target: 'left' },
        { guard: ({ context }) => context.way === 'again', target: 'asking' },
        'right',
      ],
    },
    left: { entry: raise({ type: 'next' }), on: { next: 'done' } },
    right: { type: 'final' },
    done: { type: 'final' },
  },
});

function stateEvents(agent: { events: { onAny(listener: (event: RunEvent) => void): unknown } }) {
  const seen: string[] = [];
  agent.events.onAny((event) => {
    if (event.type === 'state.enter') seen.push(`+${event.state}`);
    if (event.type === 'state.exit') seen.push(`-${event.state}`);
  });
  return seen;
}

describe('state.enter and state.exit', () => {
  it('report the states eventless transitions and raised events pass through', async () => {
    for (const evictWaiting of [false, true]) {
      const agent = createAgent({ machine: routed, evictWaiting });
      const seen = stateEvents(agent);
      const handle = agent.start({ threadId: 't', input: {} });
      expect((await handle.result()).status).toBe('waiting');
      handle.reply({ way: 'left' });
      expect((await handle.result()).status).toBe('done');
      // Before: `route`, `deciding` and `left` were never reported, as no snapshot shows them.
      expect(seen).toEqual([
        '+route',
        '-route',
        '+asking',
        ...(evictWaiting ? ['+asking'] : []),
        '-asking',
        '+deciding',
        '-deciding',
        '+left',
        '-left',
        '+done',
      ]);
      await agent.close();
    }
  });

  it('report them from the next step on when listened to once the run works', async () => {
    const agent = createAgent({ machine: routed, evictWaiting: false });
    const handle = agent.start({ threadId: 't', input: {} });
    expect((await handle.result()).status).toBe('waiting');
    const seen = stateEvents(agent);
    // The step the listener first hears: where the run is now, as before.
    handle.reply({ way: 'again' });
    expect((await handle.result()).status).toBe('waiting');
    expect(seen.splice(0)).toEqual(['+asking']);
    // From then on, the states passed through, a state left and entered again among them.
    handle.reply({ way: 'again' });
    expect((await handle.result()).status).toBe('waiting');
    expect(seen.splice(0)).toEqual(['-asking', '+deciding', '-deciding', '+asking']);
    handle.reply({ way: 'right' });
    expect((await handle.result()).status).toBe('done');
    expect(seen).toEqual(['-asking', '+deciding', '-deciding', '+right']);
    await agent.close();
  });
});
