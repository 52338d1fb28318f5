import { DefinitionError } from '../errors/definition-error';
import type { ChatMessage, ChatModel, ChatRequest } from '../model/types';
import { fenceUntrusted, holdsUntrustedData } from '../security/fence-untrusted';
import { contextFromRequest } from './context-from-request';
import type { ConversationScan } from './conversation-scan';
import { cutMiddle } from './cut-middle';
import { shareOfWindow } from './ledger-of';
import {
  type FittingContextPlan,
  type PlanContextOptions,
  planContext,
  planScannedContext,
} from './plan-context';
import type { TokenCounter } from './token-counter';
import type {
  BudgetLedger,
  ContextBudgetOptions,
  ContextInput,
  ContextItem,
  TrimRecord,
} from './types';

/**
 * Writes a summary of `messages` in at most `maxTokens` tokens — with a cheaper model. In a
 * run it must be a journaled model call (`scope.callModel`), so a resumed run reuses the
 * summary instead of paying for it again. See {@link createSummariser}.
 */
export type Summarise = (
  messages: ChatMessage[],
  options: { maxTokens: number },
) => Promise<string>;

/** Options of {@link applyContextBudget}. */
export interface ApplyContextBudgetOptions {
  request: ChatRequest;
  /** The model the request goes to: its name and metadata (window, largest output). */
  model: Pick<ChatModel, 'modelName' | 'metadata'>;
  counter: TokenCounter;
  /** The calling state's budget. */
  budget?: ContextBudgetOptions;
  /** The request's sections, when the effect built them ({@link buildContext}); else they are inferred. */
  context?: ContextInput;
  /**
   * The request's messages scanned with {@link scanConversation}, for a caller that keeps each
   * conversation's scan from call to call: a request whose inferred context fits as it is is
   * then planned from the scan, not from a walk over its whole history. Ignored with `context`
   * or when it is not a scan of these messages with this counter.
   */
  scan?: ConversationScan;
  /** Needed when the budget's strategies include `compress-history`. */
  summarise?: Summarise;
  /**
   * The text a fenced summary's id is made from (see `fenceUntrusted`): the runtime passes the
   * summary as it is stored (redacted), so a replay from storage fences it the same way.
   * Default: the summary itself.
   */
  fenceIdFrom?: (summary: string) => string;
}

/** What {@link applyContextBudget} returns. */
export interface BudgetedRequest {
  /** The request to send: within the window. */
  request: ChatRequest;
  /** Undefined when the model has no metadata (no window to plan against). */
  ledger: BudgetLedger | undefined;
}

/**
 * The one call the runtime makes before every model call: plans the request's context
 * against the model's window, runs the summariser when the plan compresses history, and
 * returns the request to send with its ledger. Throws a {@link BudgetError} when the request
 * cannot fit. A model without metadata is sent the request as it is, with no ledger.
 */
export async function applyContextBudget({
  request,
  model,
  counter,
  budget = {},
  context,
  scan,
  summarise,
  fenceIdFrom = (summary) => summary,
}: ApplyContextBudgetOptions): Promise<BudgetedRequest> {
  const metadata = model.metadata;
  if (!metadata) return { request, ledger: undefined };
  const strategies = budget.strategies;
  if (strategies?.includes('compress-history') && !summarise) {
    throw new DefinitionError(
      'definition.invalid_option',
      `The context budget for "${model.modelName}" lists the compress-history strategy but no summarise function was given. Pass summarise (a journaled call to a cheaper model), or remove the strategy.`,
    );
  }
  const planOptions = {
    model: model.modelName,
    contextWindow: metadata.contextWindow,
    counter,
    ...(request.maxOutputTokens === undefined ? {} : { maxOutputTokens: request.maxOutputTokens }),
    ...(metadata.maxOutputTokens === undefined
      ? {}
      : { modelMaxOutputTokens: metadata.maxOutputTokens }),
  };
  const scanned =
    !context && scan?.messages === request.messages && scan.counter === counter
      ? planScannedContext({
          ...planOptions,
          scan,
          budget,
          ...(request.tools ? { tools: request.tools } : {}),
          ...(request.responseFormat ? { responseFormat: request.responseFormat } : {}),
        })
      : undefined;
  const planned =
    scanned ?? (await planWhole(request, context, planOptions, budget, summarise, fenceIdFrom));
  return sentRequest(request, planned);
}

/** Where a fenced summary's content comes from, as its fence names it. */
const summarySource = 'a summary of earlier messages';

/** Plans the request's whole context, with a summary of history first when the plan asks for one. */
async function planWhole(
  request: ChatRequest,
  given: ContextInput | undefined,
  planOptions: Omit<PlanContextOptions, 'context' | 'budget'>,
  budget: ContextBudgetOptions,
  summarise: Summarise | undefined,
  fenceIdFrom: (summary: string) => string,
): Promise<FittingContextPlan> {
  const { counter } = planOptions;
  const strategies = budget.strategies;
  const context = given ?? contextFromRequest(request);
  const first = planContext({ ...planOptions, context, budget });
  let plan: FittingContextPlan;
  if (first.status === 'fits') {
    plan = first;
  } else {
    const compressedMessages = first.toSummarise.flatMap((item) => item.messages);
    // A summary of fenced (untrusted) content carries that content on: it is fenced in turn,
    // or a tool's injected instruction would reach the model as the user's own words.
    const untrusted = compressedMessages.some((message) => holdsUntrustedData(message.content));
    const maxTokens = untrusted
      ? Math.max(1, first.summaryTokens - counter.countText(fenceUntrusted('', summarySource)))
      : first.summaryTokens;
    const text = cutMiddle(await summarise!(compressedMessages, { maxTokens }), {
      maxTokens,
      counter,
      what: 'the summary',
    });
    const heading = `[Summary of ${compressedMessages.length} earlier messages]`;
    const summary: ContextItem = {
      section: 'history',
      label: 'summary',
      messages: [
        untrusted
          ? {
              role: 'user',
              content: `${heading}\n${fenceUntrusted(text, summarySource, fenceIdFrom(text))}`,
              untrusted: true,
            }
          : { role: 'user', content: `${heading}\n${text}` },
      ],
    };
    const compressed = replaceItems(context, first.toSummarise, summary);
    const second = planContext({
      ...planOptions,
      context: compressed,
      budget: { ...budget, strategies: (strategies ?? []).filter((s) => s !== 'compress-history') },
    }) as FittingContextPlan;
    const record: TrimRecord = {
      section: 'history',
      strategy: 'compress-history',
      action: 'compressed',
      messages: compressedMessages.length,
      tokensBefore: first.toSummarise.reduce(
        (sum, item) => sum + item.messages.reduce((n, m) => n + counter.countMessage(m), 0),
        0,
      ),
      tokensAfter: counter.countMessage(summary.messages[0]!),
    };
    plan = {
      ...second,
      ledger: {
        ...second.ledger,
        sectionsBefore: first.before.sections,
        inputTokensBefore: first.before.inputTokens,
        tokenTaxBefore: shareOfWindow(
          first.before.inputTokens - first.before.sections.input,
          planOptions.contextWindow,
        ),
        trimmed: [record, ...second.ledger.trimmed],
      },
    };
  }
  return plan;
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
