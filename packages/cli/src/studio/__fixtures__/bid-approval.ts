import {
  agentFactory,
  type Checkpointer,
  createAgent,
  humanWait,
  structuredCall,
} from '@agentchart/core';
import { scriptedModel } from '@agentchart/core/testing';
import { assign, setup } from 'xstate';
import { z } from 'zod';

/**
 * An agent that drafts a bid summary with a model, then waits for a human to approve it:
 * the studio's tests answer its wait from the page.
 */
export const bidApprovalMachine = setup({
  types: {
    input: {} as { tender: string },
    context: {} as { tender: string; summary?: string; approved?: boolean },
  },
  actors: {
    draft: structuredCall({
      model: 'writer',
      schema: z.object({ summary: z.string() }),
      schemaName: 'bid_summary',
      system: 'You write one-line bid summaries.',
      prompt: (tender: string) => `Summarise our bid for ${tender}.`,
    }),
    approve: humanWait({
      prompt: (summary: string) => `Send the bid "${summary}"?`,
      reply: z.object({ approved: z.boolean() }),
    }),
  },
}).createMachine({
  id: 'bidApproval',
  context: ({ input }) => ({ tender: input.tender }),
  initial: 'drafting',
  states: {
    drafting: {
      invoke: {
        id: 'draft',
        src: 'draft',
        input: ({ context }) => context.tender,
        onDone: {
          target: 'approving',
          actions: assign({ summary: ({ event }) => event.output.summary }),
        },
        onError: 'failed',
      },
    },
    approving: {
      invoke: {
        id: 'approve',
        src: 'approve',
        input: ({ context }) => context.summary ?? '',
        onDone: [
          {
            guard: ({ event }) => event.output.approved,
            target: 'sent',
            actions: assign({ approved: true }),
          },
          { target: 'rejected', actions: assign({ approved: false }) },
        ],
      },
    },
    sent: { type: 'final' },
    rejected: { type: 'final' },
    failed: { type: 'final' },
  },
});

/** The agent on a given store. */
export function createBidApproval(checkpointer: Checkpointer) {
  return createAgent({
    machine: bidApprovalMachine,
    models: {
      writer: scriptedModel({
        modelName: 'demo-writer',
        metadata: {
          contextWindow: 16_000,
          pricing: { inputPerMillion: 0.15, outputPerMillion: 0.6 },
        },
        handler: (request) => ({
          json: {
            summary: `${/for (T-\d+)/.exec(request.messages.at(-1)?.content ?? '')?.[1]}: quay wall, fixed price`,
          },
        }),
      }),
    },
    checkpointer,
  });
}

/** The agent as a host (`agentchart send`, the studio) creates it on the run database it opened. */
export const bidApproval = agentFactory(({ checkpointer }) => createBidApproval(checkpointer!));
