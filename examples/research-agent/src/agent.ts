import {
  AgentchartError,
  type ChatModel,
  type ContextBudgetOptions,
  createAgent,
  definePrompt,
  toolLoop,
} from '@agentchart/core';
import { assign, setup } from 'xstate';
import { lookupFigure, readNote, searchNotes } from './tools';

/** The research prompt, versioned: its id and version go with every call. */
export const researchPrompt = definePrompt({
  id: 'research.answer',
  version: 1,
  system:
    'You answer research questions from the archive. Search first, several queries at once; read the notes that matter, in parallel; look figures up. Cite note ids.',
  render: (question: string) => `Question: ${question}`,
});

/**
 * The context budget every call of the loop is planned against. Notes are long: the oldest
 * tool turns leave first (only the last is kept whole), then the middle of what is left is
 * cut, keeping each note's head and tail — where its summary and conclusion are. 800 tokens
 * stay free for the answer.
 */
export const researchBudget: ContextBudgetOptions = {
  strategies: ['trim-oldest-history', 'keep-head-and-tail'],
  reserveOutputTokens: 800,
  keepLastTurns: 1,
  minCutTokens: 120,
};

/** A research agent: one tool loop over pure tools, run in parallel, under a context budget. */
export const researchAgentMachine = setup({
  types: {
    input: {} as { question: string },
    context: {} as {
      question: string;
      answer?: string;
      toolCalls?: number;
      steps?: number;
      reason?: string;
      message?: string;
    },
    output: {} as {
      answer?: string;
      toolCalls: number;
      steps: number;
      /** The error's code, when the research failed. */
      reason?: string;
      /** The error's message, when the research failed: what happened and what to do. */
      message?: string;
    },
  },
  actors: {
    research: toolLoop({
      model: 'researcher',
      tools: [searchNotes, readNote, lookupFigure],
      prompt: researchPrompt,
      maxSteps: 6,
      // One note may take at most this much of the history; longer ones are cut with a marker.
      maxToolOutputTokens: 1_500,
      modelCall: { budget: researchBudget },
    }),
  },
}).createMachine({
  id: 'researchAgent',
  context: ({ input }) => ({ question: input.question }),
  initial: 'researching',
  states: {
    researching: {
      invoke: {
        id: 'research',
        src: 'research',
        input: ({ context }) => context.question,
        onDone: {
          target: 'answered',
          actions: assign({
            answer: ({ event }) => event.output.content,
            toolCalls: ({ event }) => event.output.toolCalls,
            steps: ({ event }) => event.output.steps,
          }),
        },
        onError: {
          target: 'failed',
          actions: assign(({ event }) =>
            AgentchartError.isInstance(event.error)
              ? { reason: event.error.code, message: event.error.message }
              : { reason: 'error', message: String(event.error) },
          ),
        },
      },
    },
    answered: { type: 'final' },
    failed: { type: 'final' },
  },
  output: ({ context }) => ({
    ...(context.answer === undefined ? {} : { answer: context.answer }),
    toolCalls: context.toolCalls ?? 0,
    steps: context.steps ?? 0,
    ...(context.reason ? { reason: context.reason } : {}),
    ...(context.message ? { message: context.message } : {}),
  }),
});

/** The research agent on a model; a run stops at 40 000 tokens. */
export const researchAgent = (researcher: ChatModel) =>
  createAgent({
    machine: researchAgentMachine,
    models: { researcher },
    limits: { maxTokens: 40_000, maxModelCalls: 8 },
  });
