import {
  AgentchartError,
  type AgentResult,
  agentActor,
  agentFactory,
  type ChatModel,
  type Checkpointer,
  createAgent,
  type LimitInfo,
  type RunLimits,
  structuredCall,
} from '@agentchart/core';
import { assign, setup } from 'xstate';
import { z } from 'zod';
import { vendorModel } from './models';
import { researcher } from './researcher';
import { riskOfficer } from './risk-officer';

const research = agentActor({
  machine: researcher,
  input: z.object({ vendor: z.string() }),
  output: z.object({ notes: z.string() }),
});
const assessRisk = agentActor({
  machine: riskOfficer,
  input: z.object({ vendor: z.string(), amount: z.number() }),
  output: z.object({ risk: z.enum(['low', 'high']), reason: z.string(), approved: z.boolean() }),
});

/** Why a child agent did not finish `done`, in one line for the person the review goes to. */
function whyNotDone(name: string, result: AgentResult<unknown> | undefined): string | undefined {
  if (!result || result.status === 'done') return undefined;
  switch (result.status) {
    case 'failed':
      return `${name} failed (${result.error.code})`;
    case 'limit':
      return `${name} stopped at ${result.limit.limit}${result.limit.familyThreadId ? ', the limit it shares with the lead' : ''}`;
    case 'stopped':
      return `${name} was stopped`;
  }
}

/** The lead agent: research and risk side by side as child agents, then a decision memo. */
export const vendorReviewMachine = setup({
  types: {
    input: {} as { vendor: string; amount: number },
    context: {} as {
      vendor: string;
      amount: number;
      research?: AgentResult<{ notes: string }>;
      risk?: AgentResult<{ risk: 'low' | 'high'; reason: string; approved: boolean }>;
      decision?: { decision: 'pay' | 'reject'; memo: string };
      escalation?: string;
    },
    output: {} as { decision: 'pay' | 'reject' | 'escalate'; memo: string },
    // What the harness sends when the family reaches a limit it shares (see `RunLimits`).
    events: {} as { type: 'limit.reached' } & LimitInfo,
  },
  actors: {
    research,
    assessRisk,
    decide: structuredCall({
      model: 'fast',
      schema: z.object({ decision: z.enum(['pay', 'reject']), memo: z.string() }),
      prompt: (facts: { vendor: string; amount: number; notes: string; approved: boolean }) =>
        `Decide whether to pay ${facts.amount} EUR to ${facts.vendor}, and write a one-line memo.\nResearch: ${facts.notes}\nRisk approved: ${facts.approved}`,
      maxOutputTokens: 200,
    }),
  },
}).createMachine({
  id: 'vendorReview',
  context: ({ input }) => ({ vendor: input.vendor, amount: input.amount }),
  initial: 'reviewing',
  // The lead and its children used all the limits allow: a person takes the review over. The
  // children still running are stopped; what they used stays counted.
  on: {
    'limit.reached': {
      target: '.escalated',
      actions: assign({
        escalation: ({ event }) => `the review reached its ${event.limit} limit (${event.max})`,
      }),
    },
  },
  states: {
    // Both child agents run at once, each on its own thread; the lead waits for both.
    reviewing: {
      type: 'parallel',
      states: {
        research: {
          initial: 'running',
          states: {
            running: {
              invoke: {
                id: 'research',
                src: 'research',
                input: ({ context }) => ({ vendor: context.vendor }),
                onDone: {
                  target: 'finished',
                  actions: assign({ research: ({ event }) => event.output }),
                },
              },
            },
            finished: { type: 'final' },
          },
        },
        risk: {
          initial: 'running',
          states: {
            running: {
              invoke: {
                id: 'assessRisk',
                src: 'assessRisk',
                input: ({ context }) => ({ vendor: context.vendor, amount: context.amount }),
                onDone: {
                  target: 'finished',
                  actions: assign({ risk: ({ event }) => event.output }),
                },
              },
            },
            finished: { type: 'final' },
          },
        },
      },
      onDone: 'deciding',
    },
    // A child agent never throws: its result says how it ended, and the lead decides.
    deciding: {
      always: [
        {
          guard: ({ context }) =>
            context.research?.status === 'done' && context.risk?.status === 'done',
          target: 'writing',
        },
        {
          target: 'escalated',
          actions: assign({
            escalation: ({ context }) =>
              [whyNotDone('research', context.research), whyNotDone('risk check', context.risk)]
                .filter(Boolean)
                .join('; '),
          }),
        },
      ],
    },
    writing: {
      invoke: {
        id: 'decide',
        src: 'decide',
        input: ({ context }) => ({
          vendor: context.vendor,
          amount: context.amount,
          notes: context.research?.status === 'done' ? context.research.output.notes : '',
          approved: context.risk?.status === 'done' && context.risk.output.approved,
        }),
        onDone: { target: 'decided', actions: assign({ decision: ({ event }) => event.output }) },
        onError: {
          target: 'escalated',
          actions: assign({
            escalation: ({ event }) =>
              `the memo failed (${AgentchartError.isInstance(event.error) ? event.error.code : String(event.error)})`,
          }),
        },
      },
    },
    decided: { type: 'final' },
    escalated: { type: 'final' },
  },
  output: ({ context }) =>
    context.decision ?? { decision: 'escalate', memo: context.escalation ?? '' },
});

/**
 * The limits the lead and its child agents share: every model call of any of them counts
 * against them, wherever it is made.
 */
export const vendorReviewLimits: RunLimits = { maxModelCalls: 10, maxCostUsd: 0.05 };

/** Options of {@link vendorReviewAgent}. */
export interface VendorReviewOptions {
  model: ChatModel;
  checkpointer?: Checkpointer;
  limits?: RunLimits;
}

/** The vendor review on a model and a store. */
export function vendorReviewAgent({
  model,
  checkpointer,
  limits = vendorReviewLimits,
}: VendorReviewOptions) {
  return createAgent({
    machine: vendorReviewMachine,
    // The child agents' effects use the lead's models: one alias serves the three charts.
    models: { fast: model },
    limits,
    ...(checkpointer ? { checkpointer } : {}),
  });
}

/** For `agentchart run | send | resume`: the review on the store the command opened. */
export const vendorReview = agentFactory((host) =>
  vendorReviewAgent({ model: vendorModel().model, ...host }),
);
