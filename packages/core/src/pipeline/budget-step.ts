import { applyContextBudget } from '../budget/apply-context-budget';
import { type ConversationScan, scanConversation } from '../budget/conversation-scan';
import { createSummariser, summaryProblem } from '../budget/create-summariser';
import type { HistorySummary } from '../budget/history-summary';
import type { TokenCounter } from '../budget/token-counter';
import type { ContextBudgetOptions } from '../budget/types';
import { DefinitionError } from '../errors/definition-error';
import type { RecordedModelCall } from '../ledger/recorded-model-call';
import type { ChatModel, ModelMetadata } from '../model/types';
import type { Redactor } from '../security/create-redactor';
import type { ModelCallMiddleware, ModelCallScope } from './types';

/**
 * The window assumed for a model whose metadata names none (a local model, a name the
 * adapter does not know): small enough that no current chat model is overrun by it. The run
 * reports the assumption with an `agent.warning` event; give the model its real
 * `metadata.contextWindow` to lift it.
 */
export const assumedContextWindow = 8_192;

/** The budget of an agent and a call that name none: the planner's defaults. */
const noBudget: ContextBudgetOptions = Object.freeze({});

/** What the budget step needs from its agent. */
export interface BudgetStepOptions {
  tokenCounterFor(model: ChatModel): TokenCounter;
  budget: ContextBudgetOptions | undefined;
  summariserModel: string | undefined;
  /** The agent's redactor: a fenced summary's id is made from its text as stored. */
  redactor?: Redactor;
}

/**
 * Plans every request against the primary model's window before anything else happens:
 * sections counted, the state's strategy applied when over, the request never sent over
 * the window. History compression runs on the summariser model as its own journaled call.
 * It runs before the journal step, on every resume too: planning is deterministic, and the
 * summary comes back from the journal rather than being paid for again. Each effect keeps the
 * summary it sent last: its next call sends it again or extends it with the turns that
 * overflow since, instead of summarising its whole history again; a summary sent again is
 * journaled under the call's summary key too, so a resumed run reads every summary it sends
 * from the journal.
 */
export function budgetStep({
  tokenCounterFor,
  budget,
  summariserModel,
  redactor,
}: BudgetStepOptions): ModelCallMiddleware {
  const warned = new WeakSet<ChatModel>();
  // Each run's conversation as planned last: its next call scans only what it adds.
  const scans = new WeakMap<object, ConversationScan>();
  // Each effect's summary as sent last. Per effect, not per run: an effect replays from its
  // start on resume, so this is rebuilt from the journal before any call that uses it.
  const summaries = new WeakMap<object, HistorySummary>();
  return {
    name: 'budget',
    async call(call, next) {
      const { scope, alias, request, settings } = call;
      const primary = call.models[0]!;
      const metadata = metadataOf(primary);
      if (!primary.metadata?.contextWindow && !warned.has(primary)) {
        warned.add(primary);
        scope.run.events.warn(
          scope.threadId,
          'model.unknown_context_window',
          `Model "${primary.modelName}" (${primary.endpoint}) has no known context window; requests to it are planned against an assumed ${assumedContextWindow} tokens and never sent over it. Give the model its real window (metadata: { contextWindow }) to use more of it.`,
        );
      }
      const counter = tokenCounterFor(primary);
      let scan: ConversationScan | undefined;
      if (!settings.context) {
        scan = scanConversation(request.messages, counter, scans.get(scope.run));
        scans.set(scope.run, scan);
      }
      // Merged only when the call brings a budget of its own: most calls plan with the agent's.
      const planned = settings.budget ? { ...budget, ...settings.budget } : (budget ?? noBudget);
      if (
        planned.strategies?.includes('compress-history') &&
        (!summariserModel || summariserModel === alias)
      ) {
        throw new DefinitionError(
          'definition.invalid_option',
          summariserModel
            ? `The context budget of a call to "${alias}" lists compress-history, but "${alias}" is the summariserModel itself: it cannot write the summary of its own request. Give this effect a budget without compress-history (modelCall: { budget: { strategies: ['trim-oldest-history'] } }), or make another alias the summariserModel.`
            : `The context budget of a call to "${alias}" lists compress-history, which needs a model to write the summary, but createAgent was given no summariserModel. Add summariserModel: 'cheap' with that alias among the models, or remove the strategy.`,
        );
      }
      const previous = summaries.get(scope);
      const {
        request: sent,
        ledger,
        summary,
      } = await applyContextBudget({
        request,
        model: { modelName: primary.modelName, metadata },
        counter,
        ...(scan ? { scan } : {}),
        budget: planned,
        ...(settings.context ? { context: settings.context } : {}),
        ...(redactor ? { fenceIdFrom: (text: string) => redactor.text(text) } : {}),
        ...(previous ? { summary: previous } : {}),
        reuseSummary: (text) => journalReusedSummary(scope, summariserModel ?? '', text),
        ...(summariserModel && summariserModel !== alias
          ? {
              summarise: createSummariser({
                // The summary must itself fit: keep its head and tail rather than recurse.
                call: (summaryRequest) =>
                  scope.callModel(summariserModel, summaryRequest, {
                    budget: { strategies: ['keep-head-and-tail'] },
                    summary: true,
                    // An answer with no summary fails the compression: never cache it.
                    usable: (response) => summaryProblem(response) === undefined,
                  }),
              }),
            }
          : {}),
      });
      if (summary) summaries.set(scope, summary);
      return next({ ...call, request: sent, ...(ledger ? { ledger } : {}) });
    },
  };
}

/**
 * Records a summary sent again under the call's own summary key, as a model call served
 * without one (`cached`: no tokens, no cost, not counted as a call), and returns its text as
 * recorded: a resumed run sends what the journal holds, whoever wrote it.
 */
async function journalReusedSummary(
  scope: ModelCallScope,
  alias: string,
  text: string,
): Promise<string> {
  const { value } = await scope.journaled<RecordedModelCall>(
    scope.peekKey('summary'),
    { kind: 'llm', effect: 'idempotent', name: alias, meta: { summary: 'reused' } },
    async () => ({
      response: {
        content: text,
        toolCalls: [],
        usage: { inputTokens: 0, outputTokens: 0 },
        finishReason: 'stop',
      },
      model: alias,
      attempts: 0,
      costUsd: 0,
      cached: true,
    }),
  );
  return value.response.content;
}

/** The model's metadata, with the assumed window when it names none. */
function metadataOf(model: ChatModel): ModelMetadata {
  if (model.metadata?.contextWindow) return model.metadata;
  return { ...model.metadata, contextWindow: assumedContextWindow };
}
