import { structuredCall, toolLoop } from '@agentchart/core';
import { assign, setup } from 'xstate';
import {
  type Bid,
  bidSchema,
  type FilterResult,
  filterSchema,
  type Rating,
  ratingSchema,
  type Tender,
  type TenderOutcome,
} from './schemas';
import { buyerHistory, referenceProjects } from './tools';

/** Below this filter confidence a tender is dropped, relevant or not. */
export const minConfidence = 0.6;
/** Below this overall score a tender is not worth a bid. */
export const minScore = 7;

interface PipelineContext {
  tender: Tender;
  filter?: FilterResult;
  rating?: Rating;
  research?: string;
  bid?: Bid;
  stopReason?: string;
  outcome?: TenderOutcome;
}

const describe = (tender: Tender) =>
  `Tender ${tender.id}: "${tender.title}" for ${tender.buyer}, budget EUR ${tender.budgetEur}, deadline ${tender.deadline}.\n${tender.description}`;

/**
 * The tender pipeline: filter → rate → research → write a bid, with early exits. Every path
 * ends in a final state that records why the tender stopped there.
 */
export const tenderPipeline = setup({
  types: {
    input: {} as { tender: Tender },
    context: {} as PipelineContext,
    output: {} as {
      tenderId: string;
      outcome: TenderOutcome;
      stopReason: string;
      filter?: FilterResult;
      rating?: Rating;
      bid?: Bid;
    },
  },
  actors: {
    filter: structuredCall({
      model: 'classifier',
      schema: filterSchema,
      schemaName: 'tender_filter',
      system: 'You screen public tenders for an engineering consultancy (bridges, ports, water).',
      prompt: (tender: Tender) => `Is this tender relevant to us?\n${describe(tender)}`,
      temperature: 0.1,
    }),
    rate: structuredCall({
      model: 'classifier',
      schema: ratingSchema,
      schemaName: 'tender_rating',
      system: 'You rate tenders for bid/no-bid decisions. Always list strengths and risks.',
      prompt: ({ tender, filter }: { tender: Tender; filter: FilterResult }) =>
        `Rate this tender (categories: ${filter.categories.join(', ')}).\n${describe(tender)}`,
      temperature: 0.1,
    }),
    research: toolLoop({
      model: 'writer',
      tools: [buyerHistory, referenceProjects],
      system: 'Gather facts for a bid: our history with the buyer and reference projects.',
      prompt: ({ tender, rating }: { tender: Tender; rating: Rating }) =>
        `Research for a bid (score ${rating.overall}).\n${describe(tender)}`,
      temperature: 0.1,
      maxSteps: 4,
      onToolError: 'fail',
    }),
    write: structuredCall({
      model: 'writer',
      schema: bidSchema,
      schemaName: 'bid_document',
      system: 'You write concise, specific bid documents in four sections.',
      prompt: ({ tender, research }: { tender: Tender; research: string }) =>
        `Write the bid.\n${describe(tender)}\nResearch notes:\n${research}`,
      temperature: 0.7,
    }),
  },
  // Parameterised guards: each transition passes its own typed `event.output` as params.
  guards: {
    dropped: (_, filter: FilterResult) => !filter.relevant || filter.confidence < minConfidence,
    scoredLow: (_, rating: Rating) => rating.overall < minScore,
  },
}).createMachine({
  id: 'tenderPipeline',
  context: ({ input }) => ({ tender: input.tender }),
  initial: 'filtering',
  states: {
    filtering: {
      invoke: {
        id: 'filter',
        src: 'filter',
        input: ({ context }) => context.tender,
        onDone: [
          {
            guard: { type: 'dropped', params: ({ event }) => event.output },
            target: 'filteredOut',
            actions: assign({
              filter: ({ event }) => event.output,
              stopReason: ({ event }) =>
                event.output.relevant
                  ? `confidence ${event.output.confidence} < ${minConfidence}`
                  : `not relevant: ${event.output.reasoning}`,
            }),
          },
          { target: 'rating', actions: assign({ filter: ({ event }) => event.output }) },
        ],
        onError: {
          target: 'failed',
          actions: assign({ stopReason: ({ event }) => failure('filter', event.error) }),
        },
      },
    },
    rating: {
      invoke: {
        id: 'rate',
        src: 'rate',
        input: ({ context }) => ({ tender: context.tender, filter: setEarlier(context, 'filter') }),
        onDone: [
          {
            guard: { type: 'scoredLow', params: ({ event }) => event.output },
            target: 'ratedLow',
            actions: assign({
              rating: ({ event }) => event.output,
              stopReason: ({ event }) => `score ${event.output.overall} < ${minScore}`,
            }),
          },
          { target: 'researching', actions: assign({ rating: ({ event }) => event.output }) },
        ],
        onError: {
          target: 'failed',
          actions: assign({ stopReason: ({ event }) => failure('rating', event.error) }),
        },
      },
    },
    researching: {
      invoke: {
        id: 'research',
        src: 'research',
        input: ({ context }) => ({ tender: context.tender, rating: setEarlier(context, 'rating') }),
        onDone: {
          target: 'writing',
          actions: assign({ research: ({ event }) => event.output.content }),
        },
        onError: {
          target: 'failed',
          actions: assign({ stopReason: ({ event }) => failure('research', event.error) }),
        },
      },
    },
    writing: {
      invoke: {
        id: 'write',
        src: 'write',
        input: ({ context }) => ({ tender: context.tender, research: context.research ?? '' }),
        onDone: {
          target: 'bidReady',
          actions: assign({ bid: ({ event }) => event.output, stopReason: 'bid document written' }),
        },
        onError: {
          target: 'failed',
          actions: assign({ stopReason: ({ event }) => failure('writing', event.error) }),
        },
      },
    },
    filteredOut: { type: 'final', entry: assign({ outcome: 'filtered_out' as const }) },
    ratedLow: { type: 'final', entry: assign({ outcome: 'rated_low' as const }) },
    bidReady: { type: 'final', entry: assign({ outcome: 'bid_ready' as const }) },
    failed: { type: 'final', entry: assign({ outcome: 'failed' as const }) },
  },
  output: ({ context }) => {
    const outcome = context.outcome ?? 'failed';
    return {
      tenderId: context.tender.id,
      outcome,
      stopReason: context.stopReason ?? outcome,
      ...(context.filter ? { filter: context.filter } : {}),
      ...(context.rating ? { rating: context.rating } : {}),
      ...(context.bid ? { bid: context.bid } : {}),
    };
  },
});

/**
 * A context field an earlier state set. States are only entered after the one that sets it,
 * so its absence is a bug in the chart: it fails the run with a message that says so.
 */
function setEarlier<TField extends 'filter' | 'rating'>(
  context: PipelineContext,
  field: TField,
): NonNullable<PipelineContext[TField]> {
  const value = context[field];
  if (value === undefined) {
    throw new Error(`tender pipeline: "${field}" is read before the state that sets it ran.`);
  }
  return value as NonNullable<PipelineContext[TField]>;
}

function failure(stage: string, error: unknown): string {
  const { code, message } = error as { code?: string; message?: string };
  return `${stage} failed (${code ?? 'error'}): ${message ?? String(error)}`;
}
