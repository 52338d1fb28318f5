import { AgentchartError, type ChatModel, createAgent } from '@agentchart/core';
import { routeGenerateVerify } from '@agentchart/core/cascade';
import { assign, setup } from 'xstate';
import { type Answer, answerSchema } from './schemas';

/** What the compound agent answers: the total, and how it got there. */
export interface CompoundResult {
  total: number | undefined;
  route: string | undefined;
  /** The generator model that wrote the kept answer. */
  model: string | undefined;
  revisions: number;
  /** The verifier's last issues, when revisions ran out. */
  issues?: string[];
  /** The error's code, when the agent failed. */
  reason?: string;
  /** The error's message, when the agent failed: what happened and what to do. */
  message?: string;
}

const system = 'You answer shop order questions with a number. Show the working in one line.';

/**
 * The compound agent: a cheap router picks how much care a question needs; `quick` ones are
 * answered by the cheap model (the strong one takes over on a revision), `careful` ones by
 * the strong model; the cheap model verifies every answer. A failed verdict goes back to the
 * generator with the verifier's issues, once.
 */
export const routerVerifier = setup({
  types: {
    input: {} as { question: string },
    context: {} as {
      question: string;
      answer?: Answer;
      route?: string;
      model?: string;
      revisions?: number;
      issues?: string[];
      reason?: string;
      message?: string;
    },
    output: {} as CompoundResult,
  },
  actors: {
    solve: routeGenerateVerify({
      router: {
        model: 'cheap',
        system: 'Route each question: quick for one arithmetic step, careful for several.',
        prompt: (question: string, routes) =>
          `Routes: ${routes.join(', ')}.\nQuestion: ${question}`,
      },
      routes: {
        quick: {
          models: ['cheap', 'strong'],
          system,
          prompt: (question) => `Question: ${question}`,
        },
        careful: { models: ['strong'], system, prompt: (question) => `Question: ${question}` },
      },
      schema: answerSchema,
      verifier: {
        model: 'cheap',
        system: 'Check the answer against the question. Recompute it; list what is wrong.',
        prompt: (question, answer) =>
          `Question: ${question}\nProposed answer: ${JSON.stringify(answer)}`,
      },
      maxRevisions: 1,
    }),
  },
}).createMachine({
  id: 'routerVerifier',
  context: ({ input }) => ({ question: input.question }),
  initial: 'solving',
  states: {
    solving: {
      invoke: {
        id: 'solve',
        src: 'solve',
        input: ({ context }) => context.question,
        onDone: [
          {
            guard: ({ event }) => event.output.verdict.pass,
            target: 'answered',
            actions: assign({
              answer: ({ event }) => event.output.output,
              route: ({ event }) => event.output.route,
              model: ({ event }) => event.output.model,
              revisions: ({ event }) => event.output.revisions,
            }),
          },
          {
            // Revisions ran out: the last answer goes to a person with the verifier's issues.
            target: 'unverified',
            actions: assign({
              answer: ({ event }) => event.output.output,
              issues: ({ event }) => event.output.verdict.issues,
            }),
          },
        ],
        onError: {
          target: 'failed',
          actions: assign(({ event }) => failureOf(event.error)),
        },
      },
    },
    answered: { type: 'final' },
    unverified: { type: 'final' },
    failed: { type: 'final' },
  },
  output: ({ context }) => ({
    total: context.answer?.total,
    route: context.route,
    model: context.model,
    revisions: context.revisions ?? 0,
    ...(context.issues ? { issues: context.issues } : {}),
    ...(context.reason ? { reason: context.reason } : {}),
    ...(context.message ? { message: context.message } : {}),
  }),
});

/** An effect's error as the output carries it: its code and its message. */
export function failureOf(error: unknown): { reason: string; message: string } {
  if (AgentchartError.isInstance(error)) return { reason: error.code, message: error.message };
  return { reason: 'error', message: String(error) };
}

/** The compound agent on a cheap and a strong model. */
export const compoundAgent = ({ cheap, strong }: { cheap: ChatModel; strong: ChatModel }) =>
  createAgent({ machine: routerVerifier, models: { cheap, strong }, limits: { maxModelCalls: 8 } });
