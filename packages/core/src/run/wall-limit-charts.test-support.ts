import { assign, setup } from 'xstate';
import { z } from 'zod';
import { humanWait } from '../effects/human-wait';

/**
 * For tests of wall-time limits met while a run waits for a person: charts that ask once,
 * and charts that handle `limit.reached` by asking again (a wrap-up that waits).
 */

/** Asks a person once; with `timeoutMs`, a timeout ends the chart as an answer does. */
export function askingChart(timeoutMs?: number) {
  return setup({
    actors: {
      ask: humanWait({
        prompt: () => 'Go?',
        reply: z.boolean(),
        ...(timeoutMs === undefined ? {} : { timeoutMs }),
      }),
    },
  }).createMachine({
    id: 'asking',
    initial: 'asking',
    states: {
      asking: { invoke: { src: 'ask', onDone: 'done', onError: 'done' } },
      done: { type: 'final' },
    },
  });
}

/**
 * Handles `limit.reached` by asking to keep what it has (`confirming`, a wait of its own),
 * counting the wrap-ups in `wrapped`. The limit is handled at the root (`root`), only while
 * asking (`asking`), or the chart works 100 ms on a timer instead of asking (`working`).
 */
export function confirmingChart(form: 'root' | 'asking' | 'working') {
  const onLimit = (target: string) => ({
    'limit.reached': { target, actions: 'countWrapUp' as const },
  });
  return setup({
    types: { context: {} as { wrapped: number; answer?: unknown } },
    actors: {
      ask: humanWait({ prompt: () => 'Go?', reply: z.boolean() }),
      confirm: humanWait({ prompt: () => 'Keep partial?', reply: z.boolean() }),
    },
    actions: { countWrapUp: assign({ wrapped: ({ context }) => context.wrapped + 1 }) },
  }).createMachine({
    id: 'confirming',
    context: { wrapped: 0 },
    initial: form === 'working' ? 'working' : 'asking',
    on: form === 'asking' ? {} : onLimit('.confirming'),
    states: {
      asking: {
        on: form === 'asking' ? onLimit('confirming') : {},
        invoke: { src: 'ask', onDone: 'done' },
      },
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
}

/** Handles `limit.reached` by ending at once in `wrapped`, with `wrapped: true` in its output. */
export const wrappingChart = setup({
  types: { context: {} as { wrapped: boolean } },
  actors: { ask: humanWait({ prompt: () => 'Go?', reply: z.boolean() }) },
}).createMachine({
  id: 'asking',
  context: { wrapped: false },
  initial: 'asking',
  on: { 'limit.reached': { target: '.wrapped', actions: assign({ wrapped: true }) } },
  states: {
    asking: { invoke: { src: 'ask', onDone: 'done' } },
    wrapped: { type: 'final' },
    done: { type: 'final' },
  },
  output: ({ context }) => context,
});
