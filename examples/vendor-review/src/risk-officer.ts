import { humanWait, structuredCall } from '@agentchart/core';
import { assign, setup } from 'xstate';
import { z } from 'zod';

const assessment = z.object({ risk: z.enum(['low', 'high']), reason: z.string() });

/** The reply a person gives to a high-risk payment. */
export const approvalReply = z.object({ approved: z.boolean(), note: z.string().optional() });

interface Payment {
  vendor: string;
  amount: number;
}

/** A child agent: rates the payment's risk, and asks a person to approve a high-risk one. */
export const riskOfficer = setup({
  types: {
    input: {} as Payment,
    context: {} as Payment & { risk?: z.infer<typeof assessment>; approved?: boolean },
  },
  actors: {
    assess: structuredCall({
      model: 'fast',
      schema: assessment,
      prompt: ({ vendor, amount }: Payment) =>
        `Rate the risk of paying ${amount} EUR to the vendor "${vendor}" as low or high, with a short reason.`,
      maxOutputTokens: 200,
    }),
    approve: humanWait({
      prompt: ({ vendor, amount, reason }: Payment & { reason: string }) =>
        `Approve paying ${amount} EUR to ${vendor}? (${reason})`,
      reply: approvalReply,
      timeoutMs: 3 * 86_400_000,
    }),
  },
}).createMachine({
  id: 'riskOfficer',
  context: ({ input }) => ({ ...input }),
  initial: 'assessing',
  states: {
    assessing: {
      invoke: {
        src: 'assess',
        input: ({ context }) => ({ vendor: context.vendor, amount: context.amount }),
        onDone: [
          {
            guard: ({ event }) => event.output.risk === 'high',
            target: 'approving',
            actions: assign({ risk: ({ event }) => event.output }),
          },
          {
            target: 'done',
            actions: assign({ risk: ({ event }) => event.output, approved: true }),
          },
        ],
      },
    },
    approving: {
      invoke: {
        src: 'approve',
        input: ({ context }) => ({
          vendor: context.vendor,
          amount: context.amount,
          reason: context.risk?.reason ?? '',
        }),
        onDone: {
          target: 'done',
          actions: assign({ approved: ({ event }) => event.output.approved }),
        },
      },
    },
    done: { type: 'final' },
  },
  output: ({ context }) => ({
    risk: context.risk?.risk ?? 'high',
    reason: context.risk?.reason ?? '',
    approved: context.approved ?? false,
  }),
});
