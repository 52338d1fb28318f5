import { sendParent, setup } from 'xstate';

/**
 * A child machine that answers its parent `{ type: 'PONG', n }` 10 s after it starts: a
 * spawned child with a timer of its own, for tests of what a restored run keeps of its
 * children.
 */
export const pinger = setup({ types: { input: {} as { n: number } } }).createMachine({
  id: 'pinger',
  initial: 'delaying',
  context: ({ input }) => ({ n: input.n }),
  states: {
    delaying: {
      after: {
        10000: {
          target: 'idle',
          actions: sendParent(({ context }) => ({ type: 'PONG', n: context.n })),
        },
      },
    },
    idle: {},
  },
});
