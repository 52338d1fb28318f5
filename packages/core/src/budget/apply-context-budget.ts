import { DefinitionError } from '../errors/definition-error';
import type { ChatMessage, ChatModel, ChatRequest } from '../model/types';
import { holdsUntrustedData } from '../security/fence-untrusted';
import { contextFromRequest } from './context-from-request';
import type { ConversationScan } from './conversation-scan';
import { cutMiddle } from './cut-middle';
import type { KeptWhole } from './cut-outside';
import {
  coveredBy,
  type HistorySummary,
  historySummary,
  summaryFenceTokens,
  withHistorySummary,
  withSummaryRecord,
} from './history-summary';
import { type PlanContextOptions, planContext, planScannedContext } from './plan-context';
import type { TokenCounter } from './token-counter';
import type {
  BudgetLedger,
  ContextBudgetOptions,
  ContextInput,
  ContextItem,
  ContextPlan,
  FittingContextPlan,
} from './types';

/**
 * Writes a summary of `messages` in at most `maxTokens` tokens — with a cheaper model. In a
 * run it must be a journaled model call (`scope.callModel`), so a resumed run reuses the
 * summary instead of paying for it again. See {@link createSummariser}.
 */
export type Summarise = (messages: ChatMessage[], options: SummariseOptions) => Promise<string>;

/** What {@link Summarise} is told besides the messages to summarise. */
export interface SummariseOptions {
  /** The most tokens the summary may take; a longer one is cut to it. */
  maxTokens: number;
  /**
   * The conversation's messages the summary will stand for, oldest first: `messages`, with
   * an earlier summary among them (`extending`) counted as the messages it stands for. A
   * runtime records them with the summary.
   */
  covers?: readonly ChatMessage[] | undefined;
  /** The earlier summary that is the first of `messages`, when the summary extends one. */
  extending?: HistorySummary | undefined;
}

/** Options of {@link applyContextBudget}. */
export interface ApplyContextBudgetOptions {
  request: ChatRequest;
  /** The model the request goes to: its name and metadata (window, largest output). */
  model: Pick<ChatModel, 'modelName' | 'metadata'>;
  counter: TokenCounter;
  /** The calling state's budget. */
  budget?: ContextBudgetOptions | undefined;
  /** The request's sections, when the effect built them ({@link buildContext}); else they are inferred. */
  context?: ContextInput | undefined;
  /**
   * The request's messages scanned with {@link scanConversation}, for a caller that keeps each
   * conversation's scan from call to call: a request whose inferred context fits as it is is
   * then planned from the scan, not from a walk over its whole history. Ignored with `context`
   * or when it is not a scan of these messages with this counter.
   */
  scan?: ConversationScan | undefined;
  /** Needed when the budget's strategies include `compress-history`. */
  summarise?: Summarise | undefined;
  /**
   * The text a fenced summary's id is made from (see `fenceUntrusted`): the runtime passes the
   * summary as it is stored (redacted), so a replay from storage fences it the same way.
   * Default: the summary itself.
   */
  fenceIdFrom?: ((summary: string) => string) | undefined;
  /**
   * Stretches of a text a cut (`keep-head-and-tail`, a summary cut to its budget) must not fall
   * inside: the runtime passes where its redactor's matches lie, since the request is stored
   * and redacted after it is cut, when a part of a secret is no longer recognised.
   */
  keepWhole?: ((text: string) => KeptWhole) | undefined;
  /**
   * The summary an earlier call of the same conversation sent (that call's result's
   * `summary`). With `compress-history`, a request whose oldest history is what it stands for
   * is planned with the summary in its place: sent again when the request then fits, with no
   * summariser call, or summarised together with the turns that overflow since — never those
   * turns from scratch.
   */
  summary?: HistorySummary | undefined;
  /**
   * Asked, with `compress-history`, when a request must be compressed and `summary` does not
   * stand for its oldest history: resolves to a summary that does (from the run's earlier
   * effects, say), planned then in their place as `summary` is; or to undefined, and the
   * request's history is summarised from scratch. In a run it answers as the call's journal
   * record says it did before a restart, so a resumed call starts from the same summary.
   */
  startFrom?: ((context: ContextInput) => Promise<HistorySummary | undefined>) | undefined;
  /**
   * Called when a summary (`summary`, or the one `startFrom` gave) is sent again without a
   * summariser call; resolves to the text to send. In a run it records the reuse as the
   * call's own summary step and resolves to the text as recorded, so a resumed run sends
   * what the journal holds. Default: the text as is.
   */
  reuseSummary?: ((text: string, summary: HistorySummary) => Promise<string>) | undefined;
}

/** What {@link applyContextBudget} returns. */
export interface BudgetedRequest {
  /** The request to send: within the window. */
  request: ChatRequest;
  /** Undefined when the model has no metadata (no window to plan against). */
  ledger: BudgetLedger | undefined;
  /** The summary the request sends, for the conversation's next call; undefined for none. */
  summary?: HistorySummary;
  /**
   * Why the summariser failed, when the request was planned with the strategies listed after
   * `compress-history` instead (see {@link summaryFailureFallsBack}).
   */
  summaryFailure?: unknown;
}

/**
 * Whether a failed summary leaves the request to the strategies listed after
 * `compress-history`: when the summariser's answer was unusable or its model failed (after its
 * retries). A refusal by the run's limits, an abort or a storage failure is not the
 * summariser's: it ends the call as it would any other.
 */
export function summaryFailureFallsBack(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    typeof code === 'string' && (code === 'budget.summary_unusable' || code.startsWith('model.'))
  );
}

/**
 * The one call the runtime makes before every model call: plans the request's context
 * against the model's window, runs the summariser when the plan compresses history, and
 * returns the request to send with its ledger. Throws a {@link BudgetError} when the request
 * cannot fit. A model without metadata is sent the request as it is, with no ledger.
 */
export function applyContextBudget(options: ApplyContextBudgetOptions): Promise<BudgetedRequest> {
  try {
    const now = applyContextBudgetNow(options);
    return now ? Promise.resolve(now) : applyWholeContextBudget(options);
  } catch (error) {
    return Promise.reject(error);
  }
}

/**
 * {@link applyContextBudget} without waiting, for the requests that need no summary and no
 * planning of their whole history: a model without metadata, or a conversation whose scan
 * fits as it is (most calls). Undefined for the others: give those to
 * {@link applyWholeContextBudget}. Throws what `applyContextBudget` rejects with.
 */
export function applyContextBudgetNow(
  options: ApplyContextBudgetOptions,
): BudgetedRequest | undefined {
  const { request, model, counter, budget = {}, context, scan, summarise, keepWhole } = options;
  const metadata = model.metadata;
  if (!metadata) return { request, ledger: undefined };
  if (budget.strategies?.includes('compress-history') && !summarise) {
    throw new DefinitionError(
      'definition.invalid_option',
      `The context budget for "${model.modelName}" lists the compress-history strategy but no summarise function was given. Pass summarise (a journaled call to a cheaper model), or remove the strategy.`,
    );
  }
  const scanned =
    !context && scan?.messages === request.messages && scan.counter === counter
      ? planScannedContext({
          ...planOptionsFor(request, model, counter, keepWhole),
          scan,
          budget,
          ...(request.tools ? { tools: request.tools } : {}),
          ...(request.responseFormat ? { responseFormat: request.responseFormat } : {}),
        })
      : undefined;
  return scanned ? sentRequest(request, scanned) : undefined;
}

/**
 * The rest of {@link applyContextBudget}, for a request {@link applyContextBudgetNow} left
 * undefined: the whole context planned, with a summary of history first when the plan asks
 * for one.
 */
export async function applyWholeContextBudget({
  request,
  model,
  counter,
  budget = {},
  context,
  summarise,
  fenceIdFrom = (summary) => summary,
  summary: previous,
  startFrom,
  reuseSummary = async (text) => text,
  keepWhole,
}: ApplyContextBudgetOptions): Promise<BudgetedRequest> {
  if (!model.metadata) return { request, ledger: undefined };
  const { plan, summary, summaryFailure } = await planWhole({
    request,
    given: context,
    planOptions: planOptionsFor(request, model, counter, keepWhole),
    budget,
    summarise,
    fenceIdFrom,
    previous,
    startFrom,
    reuseSummary,
  });
  return {
    ...sentRequest(request, plan),
    ...(summary ? { summary } : {}),
    ...(summaryFailure === undefined ? {} : { summaryFailure }),
  };
}

/** What every plan of `request` for `model` starts from (the model has metadata). */
function planOptionsFor(
  request: ChatRequest,
  model: Pick<ChatModel, 'modelName' | 'metadata'>,
  counter: TokenCounter,
  keepWhole: ApplyContextBudgetOptions['keepWhole'],
): Omit<PlanContextOptions, 'context' | 'budget'> {
  const metadata = model.metadata!;
  return {
    model: model.modelName,
    contextWindow: metadata.contextWindow,
    counter,
    ...(request.maxOutputTokens === undefined ? {} : { maxOutputTokens: request.maxOutputTokens }),
    ...(metadata.maxOutputTokens === undefined
      ? {}
      : { modelMaxOutputTokens: metadata.maxOutputTokens }),
    ...(keepWhole ? { keepWhole } : {}),
  };
}

/** What {@link planWhole} needs. */
interface PlanWholeOptions {
  request: ChatRequest;
  given: ContextInput | undefined;
  planOptions: Omit<PlanContextOptions, 'context' | 'budget'>;
  budget: ContextBudgetOptions;
  summarise: Summarise | undefined;
  fenceIdFrom: (summary: string) => string;
  previous: HistorySummary | undefined;
  startFrom: ApplyContextBudgetOptions['startFrom'];
  reuseSummary: (text: string, summary: HistorySummary) => Promise<string>;
}

/**
 * Plans the request's whole context, with a summary of history first when the plan asks for
 * one. With `compress-history`, an earlier call's summary takes the place of the history it
 * stands for before planning: the turns it covers are never summarised again.
 */
async function planWhole(
  options: PlanWholeOptions,
): Promise<{ plan: FittingContextPlan; summary?: HistorySummary; summaryFailure?: unknown }> {
  const {
    request,
    given,
    planOptions,
    budget,
    summarise,
    fenceIdFrom,
    previous,
    startFrom,
    reuseSummary,
  } = options;
  const { counter } = planOptions;
  const strategies = budget.strategies;
  const requested = given ?? contextFromRequest(request);
  const compresses = strategies?.includes('compress-history') === true;
  const substituted =
    compresses && previous?.counter === counter
      ? withHistorySummary(requested, previous)
      : undefined;
  const carried = substituted ? previous : undefined;
  const context = substituted ?? requested;
  const first = planContext({ ...planOptions, context, budget });
  // Over the window with no summary of its own: start from one the caller has for the
  // request's oldest history (an earlier effect's) rather than summarise it all again.
  const seed =
    compresses && !carried && first.status !== 'fits' && startFrom
      ? await startFrom(requested)
      : undefined;
  if (seed) return planWhole({ ...options, previous: seed, startFrom: undefined });
  // Planned again without it, a summary dropped below is never sought again.
  const without = { ...options, previous: undefined, startFrom: undefined };
  const withoutCompression = {
    ...budget,
    strategies: (strategies ?? []).filter((s) => s !== 'compress-history'),
  };
  if (first.status === 'fits') {
    if (!carried) return { plan: first };
    // A strategy listed before compression dropped the summary: plan as if there were none.
    if (!first.messages.includes(carried.item.messages[0]!)) return planWhole(without);
    // The earlier summary is sent again: no summariser call, but a record of it.
    const text = await reuseSummary(carried.text, carried);
    const summary =
      text === carried.text ? carried : historySummary({ ...carried, text, fenceIdFrom });
    const plan =
      summary === carried
        ? first
        : (planContext({
            ...planOptions,
            context: replaceItems(context, [carried.item], summary.item),
            budget: withoutCompression,
          }) as FittingContextPlan);
    return { plan: withSummaryRecord(plan, summary, carried, 'reused'), summary };
  }
  if (carried && !first.toSummarise.includes(carried.item)) return planWhole(without);
  const compressedMessages = first.toSummarise.flatMap((item) => item.messages);
  // A summary of fenced (untrusted) content carries that content on: it is fenced in turn,
  // or a tool's injected instruction would reach the model as the user's own words. An
  // earlier summary of fenced content is fenced itself, so an extended one stays fenced.
  const untrusted = compressedMessages.some((message) => holdsUntrustedData(message.content));
  const maxTokens = untrusted
    ? Math.max(1, first.summaryTokens - summaryFenceTokens(counter))
    : first.summaryTokens;
  const covered = coveredBy(first.toSummarise, carried, counter);
  let written: string;
  try {
    written = await summarise!(compressedMessages, {
      maxTokens,
      covers: covered.covers,
      ...(carried ? { extending: carried } : {}),
    });
  } catch (error) {
    // The strategies listed after compression (trimming the oldest turns, say) fit the
    // request without a summary, if they can: the failure is then reported, not fatal. It is
    // on record, so a resumed run meets it again and plans the same way.
    if (!summaryFailureFallsBack(error)) throw error;
    let fallback: ContextPlan;
    try {
      fallback = planContext({ ...planOptions, context: requested, budget: withoutCompression });
    } catch {
      // Nothing else fits it: the summariser's failure is what the caller must hear of.
      throw error;
    }
    if (fallback.status !== 'fits') throw error;
    return { plan: fallback, summaryFailure: error };
  }
  const { keepWhole } = planOptions;
  const text = cutMiddle(written, {
    maxTokens,
    counter,
    what: 'the summary',
    ...(keepWhole ? { keepWhole } : {}),
  });
  const summary = historySummary({
    ...covered,
    counter,
    text,
    untrusted,
    fenceIdFrom,
  });
  const second = planContext({
    ...planOptions,
    context: replaceItems(context, first.toSummarise, summary.item),
    budget: withoutCompression,
  }) as FittingContextPlan;
  const plan = {
    ...second,
    ledger: {
      ...second.ledger,
      sectionsBefore: first.before.sections,
      inputTokensBefore: first.before.inputTokens,
    },
  };
  return {
    plan: withSummaryRecord(plan, summary, carried, carried ? 'extended' : undefined),
    summary,
  };
}

/** The request to send for `plan`, and its ledger. */
function sentRequest(request: ChatRequest, plan: FittingContextPlan): BudgetedRequest {
  const reduced = plan.reservedOutputTokens < (request.maxOutputTokens ?? Number.POSITIVE_INFINITY);
  const outputCut = plan.ledger.trimmed.some((record) => record.section === 'output');
  return {
    request: {
      ...request,
      messages: plan.messages,
      ...(reduced || outputCut ? { maxOutputTokens: plan.reservedOutputTokens } : {}),
    },
    ledger: plan.ledger,
  };
}

function replaceItems(
  context: ContextInput,
  replaced: readonly ContextItem[],
  summary: ContextItem,
): ContextInput {
  const gone = new Set(replaced);
  const items: ContextItem[] = [];
  let placed = false;
  for (const item of context.items) {
    if (!gone.has(item)) items.push(item);
    else if (!placed) {
      items.push(summary);
      placed = true;
    }
  }
  return { ...context, items };
}
