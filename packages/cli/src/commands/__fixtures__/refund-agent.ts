import {
  agentFactory,
  type Clock,
  createAgent,
  defineTool,
  humanWait,
  structuredCall,
  toolCall,
} from '@agentchart/core';
import { singleAttemptPolicy } from '@agentchart/core/reliability';
import { scriptedModel } from '@agentchart/core/testing';
import { assign, setup } from 'xstate';
import { z } from 'zod';

/**
 * What the tests steer and read: the model's and the tool's latency, how far the agent's clock
 * runs ahead of the real one (a reply sent "hours later"), and every refund the tool paid.
 */
export const control = {
  latencyMs: 0,
  /** How long the refund tool takes before it pays (it does not stop when aborted). */
  toolLatencyMs: 0,
  clockAheadMs: 0,
  paid: [] as { ticket: string; amount: number }[],
  /** Refund tool calls running now, and the most that ran at once. */
  refundsInFlight: 0,
  mostRefundsAtOnce: 0,
};

/** The real clock, `control.clockAheadMs` ahead. */
const clock: Clock = {
  now: () => Date.now() + control.clockAheadMs,
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

const payRefund = defineTool({
  name: 'pay_refund',
  description: 'Pays a refund to the customer.',
  effect: 'unsafe',
  input: z.object({ ticket: z.string(), amount: z.number() }),
  output: z.object({ paid: z.number() }),
  execute: async ({ ticket, amount }) => {
    control.mostRefundsAtOnce = Math.max(control.mostRefundsAtOnce, ++control.refundsInFlight);
    try {
      if (control.toolLatencyMs > 0) {
        await new Promise((resolve) => setTimeout(resolve, control.toolLatencyMs));
      }
      control.paid.push({ ticket, amount });
      return { paid: amount };
    } finally {
      control.refundsInFlight--;
    }
  },
});

const machine = setup({
  types: {
    input: {} as { ticket: string; amount: number },
    context: {} as { ticket: string; amount: number; category?: string },
  },
  actors: {
    triage: structuredCall({
      model: 'fast',
      schema: z.object({ category: z.enum(['refund', 'other']) }),
      prompt: (ticket: string) => `Triage: ${ticket}`,
    }),
    approve: humanWait({
      prompt: ({ amount }: { amount: number }) => `Refund ${amount} EUR?`,
      reply: z.object({ approved: z.boolean() }),
      timeoutMs: 3_600_000,
    }),
    pay: toolCall(payRefund),
  },
}).createMachine({
  id: 'refunds',
  context: ({ input }) => ({ ...input }),
  initial: 'triaging',
  states: {
    triaging: {
      invoke: {
        src: 'triage',
        input: ({ context }) => context.ticket,
        onDone: {
          target: 'deciding',
          actions: assign({ category: ({ event }) => event.output.category }),
        },
        onError: 'failed',
      },
    },
    deciding: {
      always: [
        { guard: ({ context }) => context.amount > 100, target: 'approving' },
        { target: 'paying' },
      ],
    },
    approving: {
      invoke: {
        src: 'approve',
        input: ({ context }) => ({ amount: context.amount }),
        onDone: [
          { guard: ({ event }) => event.output.approved, target: 'paying' },
          { target: 'refused' },
        ],
        onError: 'refused',
      },
    },
    paying: {
      invoke: {
        src: 'pay',
        input: ({ context }) => ({ ticket: context.ticket, amount: context.amount }),
        onDone: 'paid',
        onError: 'failed',
      },
    },
    paid: { type: 'final' },
    refused: { type: 'final' },
    failed: { type: 'final' },
  },
  output: ({ context }) => ({ category: context.category, amount: context.amount }),
});

/** The refund desk: triage → (approval above 100) → pay. */
export const refunds = agentFactory((host) =>
  createAgent({
    machine,
    input: z.object({ ticket: z.string(), amount: z.number() }),
    models: {
      fast: scriptedModel({
        modelName: 'refund-triage',
        handler: () => ({ json: { category: 'refund' }, latencyMs: control.latencyMs }),
      }),
    },
    modelPolicy: singleAttemptPolicy,
    clock,
    ...host,
  }),
);
