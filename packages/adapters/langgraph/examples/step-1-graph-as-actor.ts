/**
 * Step 1: the whole graph runs as one actor of a chart. Nothing in the graph changes; the
 * run gains a journal (a resumed run does not run the graph again), zod contracts at the
 * boundary, and the graph's interrupt() becomes a durable human wait of the run.
 */
import { langGraphActor } from '@agentchart/langgraph';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { BaseCheckpointSaver } from '@langchain/langgraph';
import { assign, setup } from 'xstate';
import { z } from 'zod';
import { categories, supportGraph } from './support-graph';

/** What every step of the migration answers with. */
export const supportAnswer = z.object({ category: z.enum(categories), reply: z.string() });
export type SupportAnswer = z.infer<typeof supportAnswer>;

export function supportDesk(model: BaseChatModel, checkpointer: BaseCheckpointSaver) {
  return setup({
    types: {
      input: {} as { ticket: string },
      context: {} as { ticket: string; answer?: SupportAnswer },
    },
    actors: {
      support: langGraphActor({
        graph: supportGraph(model, checkpointer),
        name: 'support',
        input: z.object({ ticket: z.string() }),
        output: supportAnswer,
        reply: z.string().min(1),
      }),
    },
  }).createMachine({
    id: 'support-desk',
    context: ({ input }) => ({ ticket: input.ticket }),
    initial: 'handling',
    states: {
      handling: {
        invoke: {
          src: 'support',
          input: ({ context }) => ({ ticket: context.ticket }),
          onDone: { target: 'answered', actions: assign({ answer: ({ event }) => event.output }) },
          onError: 'failed',
        },
      },
      answered: { type: 'final' },
      failed: { type: 'final' },
    },
    output: ({ context }) => context.answer,
  });
}
