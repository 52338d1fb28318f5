/**
 * Step 2: the first node and the graph's routing move into the chart. `classify` becomes a
 * structured call (a zod-checked answer, re-asked when invalid, through the reliability
 * policy and the context budget), the conditional edge becomes guarded transitions, and
 * `escalate`'s interrupt() becomes a `humanWait` state. What is left of the graph — `draft`
 * — still runs as an actor, unchanged.
 */
import { humanWait, structuredCall } from '@agentchart/core';
import { langGraphActor } from '@agentchart/langgraph';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { Annotation, type BaseCheckpointSaver, END, START, StateGraph } from '@langchain/langgraph';
import { assign, setup } from 'xstate';
import { z } from 'zod';
import type { SupportAnswer } from './step-1-graph-as-actor';
import { type Category, categories } from './support-graph';

/** What is left of the LangGraph app: the `draft` node alone. */
const DraftState = Annotation.Root({
  ticket: Annotation<string>,
  category: Annotation<Category>,
  reply: Annotation<string>,
});

function draftGraph(model: BaseChatModel, checkpointer: BaseCheckpointSaver) {
  return new StateGraph(DraftState)
    .addNode('draft', async ({ ticket, category }) => {
      const answer = await model.invoke(`Draft a reply to this ${category} ticket:\n${ticket}`);
      return { reply: answer.text };
    })
    .addEdge(START, 'draft')
    .addEdge('draft', END)
    .compile({ checkpointer });
}

export function supportDesk(model: BaseChatModel, checkpointer: BaseCheckpointSaver) {
  return setup({
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
      draft: langGraphActor({
        graph: draftGraph(model, checkpointer),
        name: 'draft',
        input: z.object({ ticket: z.string(), category: z.enum(categories) }),
        output: z.object({ reply: z.string() }),
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
      // The graph's conditional edge, as guarded eventless transitions.
      routing: {
        always: [
          { guard: ({ context }) => context.category === 'other', target: 'escalating' },
          { target: 'drafting' },
        ],
      },
      drafting: {
        invoke: {
          src: 'draft',
          input: ({ context }) => ({
            ticket: context.ticket,
            category: context.category ?? 'other',
          }),
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
}
