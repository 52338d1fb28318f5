import { assign, setup } from 'xstate';

/** A raw XState machine waiting in `asking` for a `reply` event. */
export const approvalMachine = setup({
  types: {
    context: {} as { approved: boolean },
    events: {} as { type: 'reply'; approved: boolean },
    output: {} as { approved: boolean },
  },
}).createMachine({
  id: 'approval',
  context: { approved: false },
  initial: 'asking',
  states: {
    asking: {
      on: {
        reply: { target: 'done', actions: assign({ approved: ({ event }) => event.approved }) },
      },
    },
    done: { type: 'final' },
  },
  output: ({ context }) => context,
});
