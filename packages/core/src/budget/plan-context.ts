import { DefinitionError } from '../errors/definition-error';
import type { ResponseFormat, ToolDefinition } from '../model/types';
import { BudgetError } from './budget-error';
import type { ConversationScan } from './conversation-scan';
import type { KeptWhole } from './cut-outside';
import { cutOversized } from './cut-oversized';
import { dropLowestPriority, trimOldestHistory } from './drop-items';
import { ledgerOf } from './ledger-of';
import { resolveSectionPolicies } from './section-policies';
import { selectForCompression } from './select-for-compression';
import type { TokenCounter } from './token-counter';
import { trimEarlierToolTurns } from './trim-earlier-tool-turns';
import type {
  ContextBudgetOptions,
  ContextInput,
  ContextPlan,
  ContextSectionName,
  ContextStrategy,
  FittingContextPlan,
  SectionTokens,
  TrimRecord,
} from './types';
import { framingTokens, WorkingContext } from './working-context';

/** Options of {@link planContext}. */
export interface PlanContextOptions {
  context: ContextInput;
  /** The model's name, for the ledger and errors. */
  model: string;
  /** Tokens the model accepts, input and output together (`ModelMetadata.contextWindow`). */
  contextWindow: number;
  counter: TokenCounter;
  /** The state's budget. */
  budget?: ContextBudgetOptions | undefined;
  /** The request's `maxOutputTokens`, if it sets one. */
  maxOutputTokens?: number | undefined;
  /** The model's largest output (`ModelMetadata.maxOutputTokens`). */
  modelMaxOutputTokens?: number | undefined;
  /** Stretches of a message `keep-head-and-tail` must not cut inside (see `cutMiddle`). */
  keepWhole?: ((text: string) => KeptWhole) | undefined;
}

/** Strategies of a state that names none. */
export const defaultContextStrategies: readonly ContextStrategy[] = [
  'trim-oldest-history',
  'drop-lowest-priority',
];

/**
 * Fits a request's context to a model's window before the call: counts every section,
 * and when input plus reserved output exceed the window (less a safety margin for estimated
 * counts), applies the state's strategies in order until it fits. A plan never exceeds the
 * window: when even every section's minimum does not fit it throws a {@link BudgetError}
 * naming the sections and their sizes. Pure and deterministic, so a resumed run plans the
 * same way; compression is the one step that needs a model, so it is returned as
 * `needs-summary` for the caller to run (see {@link applyContextBudget}).
 *
 * @example
 * ```ts
 * const plan = planContext({
 *   context: contextFromRequest(request),
 *   model: 'gpt-4o-mini',
 *   contextWindow: 128_000,
 *   counter,
 *   budget: { strategies: ['trim-oldest-history', 'keep-head-and-tail'] },
 * });
 * if (plan.status === 'fits') send({ ...request, messages: plan.messages });
 * ```
 */
export function planContext(options: PlanContextOptions): ContextPlan {
  const { context, model, contextWindow, counter, budget = {} } = options;
  const { capacity, reserve } = planLimits(options);
  const strategies = budget.strategies ?? defaultContextStrategies;
  const policies = resolveSectionPolicies(budget.sections);
  const keepLastTurns = budget.keepLastTurns ?? 2;
  const working = new WorkingContext(context, counter, capacity, reserve);
  const sectionsBefore = working.sectionTokens();
  const inputTokensBefore = working.inputTokens;

  const cutOptions = {
    policies,
    minCutTokens: budget.minCutTokens ?? 256,
    headShare: budget.headShare ?? 0.5,
    ...(options.keepWhole ? { keepWhole: options.keepWhole } : {}),
  };

  for (const strategy of strategies) {
    if (working.overflow <= 0) break;
    if (strategy === 'trim-oldest-history') trimOldestHistory(working, keepLastTurns);
    else if (strategy === 'drop-lowest-priority')
      dropLowestPriority(working, policies, keepLastTurns);
    else if (strategy === 'keep-head-and-tail') cutOversized(working, cutOptions);
    else {
      const summaryTokens = budget.summaryTokens ?? 512;
      const toSummarise = selectForCompression(working, keepLastTurns, summaryTokens);
      if (toSummarise.length > 0) {
        const before = { sections: sectionsBefore, inputTokens: inputTokensBefore };
        return { status: 'needs-summary', toSummarise, summaryTokens, before };
      }
    }
  }
  // The last turns, kept whole, can hold two turns of tool results where a tool loop sized
  // each turn to fit alone (see trimEarlierToolTurns). Only where the strategies trim history:
  // a state that lists compress-history alone has asked for none of it to be dropped.
  if (strategies.includes('trim-oldest-history') || strategies.includes('drop-lowest-priority')) {
    trimEarlierToolTurns(working, keepLastTurns, cutOptions);
  }
  reduceOutputReserve(working, budget.minOutputTokens);
  if (working.overflow > 0) {
    throw new BudgetError({
      model,
      contextWindow,
      capacity,
      minimumTokens: working.inputTokens + working.reserve,
      sections: sizes(sectionsBefore, working.sectionTokens()),
    });
  }
  return {
    status: 'fits',
    messages: working.messages(),
    reservedOutputTokens: working.reserve,
    ledger: ledgerOf({ working, model, contextWindow, sectionsBefore, inputTokensBefore }),
  };
}

/** Options of {@link planScannedContext}. */
export interface PlanScannedContextOptions extends Omit<PlanContextOptions, 'context'> {
  /** The request's messages, scanned (see {@link scanConversation}). */
  scan: ConversationScan;
  tools?: readonly ToolDefinition[];
  responseFormat?: ResponseFormat;
}

/**
 * The plan {@link planContext} makes for a request's inferred context
 * ({@link contextFromRequest}) when it fits as it is — every message kept, the same ledger —
 * made from a scan of its messages instead of a walk over them; undefined when it does not
 * fit as it is, for {@link planContext} to plan.
 */
export function planScannedContext(
  options: PlanScannedContextOptions,
): FittingContextPlan | undefined {
  const { scan, tools, responseFormat, model, contextWindow, counter } = options;
  const { capacity, reserve } = planLimits(options);
  const toolTokens =
    counter.countTools(tools ?? [], { hasSystemMessage: scan.hasSystemMessage }) +
    counter.countResponseFormat(responseFormat);
  const input = scan.inputTurn >= 0 ? scan.tokens[scan.inputTurn]! : 0;
  const inputTokens = scan.systemTokens + scan.otherTokens + toolTokens + framingTokens;
  if (inputTokens + reserve - capacity > 0) return undefined;
  // In the order WorkingContext.sectionTokens writes them: the ledger is stored as JSON. One
  // frozen object for the sections before and after, since nothing was trimmed: every model
  // call that fits makes this ledger, and its journal record compares the two.
  const sections: SectionTokens = Object.freeze({
    system: scan.systemTokens,
    tools: toolTokens,
    memory: 0,
    documents: 0,
    history: scan.otherTokens - input,
    input,
    output: reserve,
  });
  const working = {
    counter,
    capacity,
    reserve,
    framingTokens,
    trimmed: noTrims,
    inputTokens,
    sectionTokens: () => sections,
  };
  return {
    status: 'fits',
    messages: [...scan.messages],
    reservedOutputTokens: reserve,
    ledger: ledgerOf({
      working,
      model,
      contextWindow,
      sectionsBefore: sections,
      inputTokensBefore: inputTokens,
    }),
  };
}

/** The trims of a plan that fits as it is: none, one frozen list for every such ledger. */
const noTrims = Object.freeze([]) as unknown as TrimRecord[];

/** The capacity a plan must stay within and the output it reserves. */
function planLimits({
  model,
  contextWindow,
  counter,
  budget = {},
  maxOutputTokens,
  modelMaxOutputTokens,
}: Omit<PlanContextOptions, 'context'>): { capacity: number; reserve: number } {
  if (!Number.isFinite(contextWindow) || contextWindow <= 0) {
    throw new DefinitionError(
      'definition.invalid_option',
      `planContext: the context window of "${model}" is ${contextWindow}; it must be a positive number of tokens. Give the model metadata with its contextWindow.`,
    );
  }
  const margin = budget.safetyMargin ?? (counter.exact ? 0 : 0.05);
  return {
    capacity: Math.floor(contextWindow * (1 - margin)),
    reserve:
      budget.reserveOutputTokens === undefined
        ? (maxOutputTokens ??
          // At most half a small window by default: a 4 096 reserve would leave a 4K model no
          // room for any input, and every call would fail before it was sent.
          Math.min(modelMaxOutputTokens ?? 4_096, 4_096, Math.floor(contextWindow / 2)))
        : // A reserve set for a whole agent or state never lowers the cap one call asks for
          // (an answer cut at 500 tokens where its effect allowed 4 000): it only shrinks
          // through minOutputTokens, on the ledger.
          Math.max(budget.reserveOutputTokens, maxOutputTokens ?? 0),
  };
}

function reduceOutputReserve(working: WorkingContext, minOutputTokens: number | undefined): void {
  if (
    working.overflow <= 0 ||
    minOutputTokens === undefined ||
    working.reserve <= minOutputTokens
  ) {
    return;
  }
  const before = working.reserve;
  working.reserve = Math.max(minOutputTokens, working.reserve - working.overflow);
  working.trimmed.push({
    section: 'output',
    strategy: 'reduce-output-reserve',
    action: 'reduced',
    messages: 0,
    tokensBefore: before,
    tokensAfter: working.reserve,
  });
}

function sizes(before: SectionTokens, minimum: SectionTokens) {
  return (Object.keys(before) as ContextSectionName[]).map((section) => ({
    section,
    tokens: before[section],
    minTokens: minimum[section],
  }));
}
