/**
 * Step 3: the last node moves too, and LangGraph is gone. `draft` becomes a structured
 * call on the agent's own models, so every model call of the desk now goes through one
 * pipeline: budget, limits, cache, reliability policy, journal, cost.
 */
import { humanWait, structuredCall } from '@agentchart/core';
import { assign, setup } from 'xstate';
import { z } from 'zod';
import type { SupportAnswer } from './step-1-graph-as-actor';
import { type Category, categories } from './support-graph';

export const supportDesk = setup({
  types: {
    input: {} as { ticket: string },
    context: {} as { ticket: string; category?: Category; reply?: string },
  },
  actors: {
    classify: structuredCall({
      model: 'fast',
      schema: z.object({ category: z.enum(categories) }),
      prompt: (ticket: string) =>
        `Classify this support ticket as billing, bug or other.\n${ticket}`,
    }),
    draft: structuredCall({
      model: 'fast',
      schema: z.object({ reply: z.string() }),
      prompt: ({ ticket, category }: { ticket: string; category: Category }) =>
        `Draft a reply to this ${category} ticket:\n${ticket}`,
    }),
    escalate: humanWait({
      prompt: (ticket: string) => `Write a reply to: ${ticket}`,
      reply: z.string().min(1),
    }),
  },
}).createMachine({
  id: 'support-desk',
  context: ({ input }) => ({ ticket: input.ticket }),
  initial: 'classifying',
  states: {
    classifying: {
      invoke: {
        src: 'classify',
        input: ({ context }) => context.ticket,
        onDone: {
          target: 'routing',
          actions: assign({ category: ({ event }) => event.output.category }),
        },
        onError: 'failed',
      },
    },
    routing: {
      always: [
        { guard: ({ context }) => context.category === 'other', target: 'escalating' },
        { target: 'drafting' },
      ],
    },
    drafting: {
      invoke: {
        src: 'draft',
        input: ({ context }) => ({ ticket: context.ticket, category: context.category ?? 'other' }),
        onDone: {
          target: 'answered',
          actions: assign({ reply: ({ event }) => event.output.reply }),
        },
        onError: 'failed',
      },
    },
    escalating: {
      invoke: {
        src: 'escalate',
        input: ({ context }) => context.ticket,
        onDone: { target: 'answered', actions: assign({ reply: ({ event }) => event.output }) },
      },
    },
    answered: { type: 'final' },
    failed: { type: 'final' },
  },
  output: ({ context }): SupportAnswer | undefined =>
    context.category && context.reply !== undefined
      ? { category: context.category, reply: context.reply }
      : undefined,
});
