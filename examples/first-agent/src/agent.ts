import { type ChatModel, createAgent, structuredCall } from '@agentchart/core';
import { assign, setup } from 'xstate';
import { z } from 'zod';

const triage = z.object({ urgent: z.boolean(), team: z.enum(['billing', 'tech', 'sales']) });

export const machine = setup({
  types: { input: {} as { ticket: string }, context: {} as { ticket: string; team?: string } },
  actors: {
    triage: structuredCall({
      model: 'fast',
      schema: triage,
      prompt: (ticket: string) => `Triage: ${ticket}`,
    }),
  },
}).createMachine({
  context: ({ input }) => ({ ticket: input.ticket }),
  initial: 'triaging',
  states: {
    triaging: {
      invoke: {
        src: 'triage',
        input: ({ context }) => context.ticket,
        onDone: [
          {
            guard: ({ event }) => event.output.urgent,
            target: 'escalated',
            actions: assign({ team: ({ event }) => event.output.team }),
          },
          { target: 'queued', actions: assign({ team: ({ event }) => event.output.team }) },
        ],
        onError: 'needsHuman', // invalid output after re-asks, refusal, truncation …
      },
    },
    escalated: { type: 'final' },
    queued: { type: 'final' },
    needsHuman: { type: 'final' },
  },
  output: ({ context }) => ({ team: context.team }),
});

export const firstAgent = (fast: ChatModel) => createAgent({ machine, models: { fast } });
