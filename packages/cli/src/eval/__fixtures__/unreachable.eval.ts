import { createAgent, ModelCallError, structuredCall } from '@agentchart/core';
import { scriptedModel } from '@agentchart/core/testing';
import { assign, setup } from 'xstate';
import { z } from 'zod';
import { defineEval } from '../define-eval';
import { fieldMatch } from '../scorers/field-match';

const sentiment = z.object({ sentiment: z.enum(['positive', 'negative', 'neutral']) });

/** A suite whose model cannot be reached, as in a CI job without its API key. */
export default defineEval({
  name: 'unreachable',
  agent: () => {
    const machine = setup({
      types: { input: {} as string, context: {} as { review: string; result?: unknown } },
      actors: {
        classify: structuredCall({
          model: 'fast',
          schema: sentiment,
          prompt: (review: string) => review,
        }),
      },
    }).createMachine({
      id: 'unreachable',
      context: ({ input }) => ({ review: input }),
      initial: 'classifying',
      states: {
        classifying: {
          invoke: {
            src: 'classify',
            input: ({ context }) => context.review,
            onDone: { target: 'filed', actions: assign({ result: ({ event }) => event.output }) },
          },
        },
        filed: { type: 'final' },
      },
      output: ({ context }) => context.result,
    });
    const down = new ModelCallError({
      kind: 'authentication',
      message: 'Incorrect API key provided.',
      endpoint: 'scripted:fast',
      status: 401,
    });
    return createAgent({
      machine,
      models: { fast: scriptedModel({ handler: () => ({ error: down }) }) },
    });
  },
  scorers: [fieldMatch(['sentiment'])],
});
