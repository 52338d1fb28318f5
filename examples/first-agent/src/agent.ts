import { AgentchartError, type ChatModel, createAgent, structuredCall } from '@agentchart/core';
import { assign, setup } from 'xstate';
import { z } from 'zod';

const triage = z.object({ urgent: z.boolean(), team: z.enum(['billing', 'tech', 'sales']) });

export const machine = setup({
  types: {
    input: {} as { ticket: string },
    context: {} as { ticket: string; team?: string; reason?: string },
  },
  actors: {
    triage: structuredCall({
      model: 'fast',
      schema: triage,
      prompt: (ticket: string) => `Triage: ${ticket}`,
    }),
  },
}).createMachine({
  id: 'triage', // the agent's name in the run log, the CLI and the studio
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
        // Invalid output after re-asks, a refusal, a truncated answer, a provider error …
        onError: {
          target: 'needsHuman',
          actions: assign({
            reason: ({ event }) =>
              AgentchartError.isInstance(event.error) ? event.error.code : String(event.error),
          }),
        },
      },
    },
    escalated: { type: 'final' },
    queued: { type: 'final' },
    needsHuman: { type: 'final' },
  },
  // A ticket for a human says why: the error's code, e.g. `output.invalid` or `model.rate_limited`.
  output: ({ context }) =>
    context.team ? { team: context.team } : { needsHuman: context.reason ?? 'unknown' },
});

export const firstAgent = (fast: ChatModel) => createAgent({ machine, models: { fast } });
// const outcome = await firstAgent(model).run({ input: { ticket: 'I was charged twice!' } });
