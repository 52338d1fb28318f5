import { type ChatModel, createAgent, structuredCall } from '@agentchart/core';
import { assign, setup } from 'xstate';
import { answerSchema } from './schemas';

/** The baseline: every question answered by the strong model, in one call. */
export const strongOnly = setup({
  types: {
    input: {} as { question: string },
    context: {} as { question: string; total?: number },
    output: {} as { total: number | undefined },
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
        onError: 'failed',
      },
    },
    answered: { type: 'final' },
    failed: { type: 'final' },
  },
  output: ({ context }) => ({ total: context.total }),
});

/** The baseline agent. */
export const strongOnlyAgent = (strong: ChatModel) =>
  createAgent({ machine: strongOnly, models: { strong } });
