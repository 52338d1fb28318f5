import { type ChatRequest, createAgent, definePrompt, structuredCall } from '@agentchart/core';
import { scriptedModel } from '@agentchart/core/testing';
import { assign, setup } from 'xstate';
import { z } from 'zod';
import { defineEval } from '../define-eval';
import { fieldMatch } from '../scorers/field-match';
import { schemaValid } from '../scorers/schema-valid';
import { trajectory } from '../scorers/trajectory';

const sentiment = z.object({
  sentiment: z.enum(['positive', 'negative', 'neutral']),
  confidence: z.number().min(0).max(1),
});

const withGlossary = definePrompt({
  id: 'sentiment',
  version: 1,
  system: 'Praise words: love, great, excellent. Complaint words: broken, late, refund.',
  render: (review: string) => `Review: ${review}`,
});
const withoutGlossary = definePrompt({
  id: 'sentiment',
  version: 2,
  system: 'Classify the sentiment of reviews.',
  render: (review: string) => `Review: ${review}`,
});

/** Answers from the request: it knows only the words the system prompt lists. */
function answer(request: ChatRequest) {
  const system = request.messages[0]?.content ?? '';
  const review = (request.messages.at(-1)?.content ?? '').toLowerCase();
  const listed = (label: string) =>
    (new RegExp(`${label} words: ([^.]+)`).exec(system)?.[1] ?? '').split(', ').filter(Boolean);
  const praise = listed('Praise').some((word) => review.includes(word));
  const complaint = listed('Complaint').some((word) => review.includes(word));
  const value = praise === complaint ? 'neutral' : praise ? 'positive' : 'negative';
  return { json: { sentiment: value, confidence: 0.9 } };
}

function sentimentAgent(prompt: typeof withGlossary) {
  const machine = setup({
    types: {
      input: {} as string,
      context: {} as { review: string; result?: z.output<typeof sentiment> },
    },
    actors: { classify: structuredCall({ model: 'fast', schema: sentiment, prompt }) },
  }).createMachine({
    id: 'sentiment',
    context: ({ input }) => ({ review: input }),
    initial: 'classifying',
    states: {
      classifying: {
        invoke: {
          src: 'classify',
          input: ({ context }) => context.review,
          onDone: [
            {
              guard: ({ event }) => event.output.sentiment === 'negative',
              target: 'complaint',
              actions: assign({ result: ({ event }) => event.output }),
            },
            { target: 'filed', actions: assign({ result: ({ event }) => event.output }) },
          ],
          onError: 'failed',
        },
      },
      complaint: { type: 'final' },
      filed: { type: 'final' },
      failed: { type: 'final' },
    },
    output: ({ context }) => context.result,
  });
  return createAgent({ machine, models: { fast: scriptedModel({ handler: answer }) } });
}

/** Two versions of the prompt side by side; the second drops the glossary. */
export default defineEval({
  name: 'sentiment',
  variants: { v1: withGlossary, v2: withoutGlossary },
  agent: (prompt) => sentimentAgent(prompt),
  scorers: [fieldMatch(['sentiment']), schemaValid(sentiment), trajectory()],
  concurrency: 2,
});
