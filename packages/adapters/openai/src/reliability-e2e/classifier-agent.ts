import {
  type ChatModel,
  createAgent,
  type ModelCallPolicy,
  structuredCall,
} from '@agentchart/core';
import { assign, setup } from 'xstate';
import { z } from 'zod';

/** What the classifier asks the model for. */
export const verdictSchema = z.object({
  relevant: z.boolean(),
  confidence: z.number().min(0).max(1),
});

/** The classifier's answer. */
export type Verdict = z.output<typeof verdictSchema>;

/**
 * A one-state agent: a structured call, then done. It has no `onError` on purpose: a call
 * the policy gives up on ends the run as `failed` with the error's own code
 * (`model.circuit_open`, `model.server_error`, `output.truncated`…), the typed outcome the
 * end-to-end tests look at.
 */
export const classifierMachine = setup({
  types: {
    input: {} as { text: string },
    context: {} as { text: string; verdict?: Verdict },
  },
  actors: {
    classify: structuredCall({
      model: 'fast',
      schema: verdictSchema,
      schemaName: 'verdict',
      prompt: (text: string) => `Is this tender relevant to a bridge-maintenance firm?\n${text}`,
    }),
  },
}).createMachine({
  id: 'classifier',
  context: ({ input }) => ({ text: input.text }),
  initial: 'classifying',
  states: {
    classifying: {
      invoke: {
        src: 'classify',
        input: ({ context }) => context.text,
        onDone: { target: 'done', actions: assign({ verdict: ({ event }) => event.output }) },
      },
    },
    done: { type: 'final' },
  },
  output: ({ context }) => context.verdict,
});

/** The classifier bound to one model and a policy. */
export function classifierAgent(model: ChatModel, modelPolicy: ModelCallPolicy) {
  return createAgent({ machine: classifierMachine, models: { fast: model }, modelPolicy });
}
