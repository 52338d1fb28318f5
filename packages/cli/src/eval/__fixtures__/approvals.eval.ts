import { createAgent, humanWait } from '@agentchart/core';
import { setup } from 'xstate';
import { z } from 'zod';
import { defineEval } from '../define-eval';
import { exactMatch } from '../scorers/exact-match';

/** Pays an invoice once a person approves it; a refusal asks again. */
export const approvalsMachine = setup({
  types: { input: {} as number, context: {} as { amount: number } },
  actors: {
    approve: humanWait({
      prompt: (amount: number) => `Pay ${amount} EUR?`,
      reply: z.object({ approved: z.boolean() }),
    }),
  },
}).createMachine({
  id: 'approvals',
  context: ({ input }) => ({ amount: input }),
  initial: 'asking',
  states: {
    asking: {
      invoke: {
        src: 'approve',
        input: ({ context }) => context.amount,
        onDone: [
          { guard: ({ event }) => event.output.approved, target: 'paid' },
          { target: 'asking', reenter: true },
        ],
      },
    },
    paid: { type: 'final' },
  },
});

/** The run's outcome is what is judged: paid, or still waiting for a person. */
export default defineEval({
  name: 'approvals',
  agent: () => createAgent({ machine: approvalsMachine }),
  output: (run) => run.outcome.status,
  scorers: [exactMatch()],
});
