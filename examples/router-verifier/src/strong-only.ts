import { type ChatModel, createAgent, structuredCall } from '@agentchart/core';
import { assign, setup } from 'xstate';
import { failureOf } from './agent';
import { answerSchema } from './schemas';

/** The baseline: every question answered by the strong model, in one call. */
export const strongOnly = setup({
  types: {
    input: {} as { question: string },
    context: {} as { question: string; total?: number; reason?: string; message?: string },
    output: {} as { total: number | undefined; reason?: string; message?: string },
  },
  actors: {
    answer: structuredCall({
      model: 'strong',
      schema: answerSchema,
      system: 'You answer shop order questions with a number. Show the working in one line.',
      prompt: (question: string) => `Question: ${question}`,
      temperature: 0,
    }),
  },
}).createMachine({
  id: 'strongOnly',
  context: ({ input }) => ({ question: input.question }),
  initial: 'answering',
  states: {
    answering: {
      invoke: {
        id: 'answer',
        src: 'answer',
        input: ({ context }) => context.question,
        onDone: {
          target: 'answered',
          actions: assign({ total: ({ event }) => event.output.total }),
        },
        onError: { target: 'failed', actions: assign(({ event }) => failureOf(event.error)) },
      },
    },
    answered: { type: 'final' },
    failed: { type: 'final' },
  },
  output: ({ context }) => ({
    total: context.total,
    ...(context.reason ? { reason: context.reason } : {}),
    ...(context.message ? { message: context.message } : {}),
  }),
});

/** The baseline agent. */
export const strongOnlyAgent = (strong: ChatModel) =>
  createAgent({ machine: strongOnly, models: { strong } });
