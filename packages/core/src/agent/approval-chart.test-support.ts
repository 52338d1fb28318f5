import { setup } from 'xstate';
import { z } from 'zod';
import { humanWait } from '../effects/human-wait';

/** A chart that waits an hour for one approval, then ends: a thread that rests waiting. */
export const approvalChart = setup({
  actors: {
    approve: humanWait({
      prompt: () => 'Approve?',
      reply: z.object({ ok: z.boolean() }),
      timeoutMs: 60 * 60 * 1000,
    }),
  },
}).createMachine({
  id: 'approval',
  initial: 'asking',
  states: { asking: { invoke: { src: 'approve', onDone: 'done' } }, done: { type: 'final' } },
});
