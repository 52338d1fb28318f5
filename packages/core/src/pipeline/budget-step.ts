import {
  type ApplyContextBudgetOptions,
  applyContextBudgetNow,
  applyWholeContextBudget,
  type BudgetedRequest,
} from '../budget/apply-context-budget';
import { type ConversationScan, scanConversation } from '../budget/conversation-scan';
import type { TokenCounter } from '../budget/token-counter';
import type { BudgetLedger, ContextBudgetOptions } from '../budget/types';
import { DefinitionError } from '../errors/definition-error';
import { describeThrown, readSafely } from '../errors/describe-thrown';
import { definedOptions } from '../errors/option-names';
import type { ChatModel, ModelMetadata } from '../model/types';
import type { Redactor } from '../security/create-redactor';
import { compressionHooks, type EffectSummaries } from './compression-hooks';
import type { ModelCall, ModelCallMiddleware } from './types';

/**
 * The window assumed for a model whose metadata names none (a local model, a name the
 * adapter does not know): small enough that no current chat model is overrun by it. The run
 * reports the assumption with an `agent.warning` event; give the model its real
 * `metadata.contextWindow` to lift it.
 */
export const assumedContextWindow = 8_192;

/** What the budget step hashes and fences with when it is given no redactor. */
const noRedaction: Redactor = {
  active: false,
  text: (text) => text,
  value: (value) => value,
  spans: () => [],
};

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
 * summary it sent last, and one with none starts from a summary the run sent for the same
 * oldest history (a chat's earlier turn): its next call sends it again or extends it with the
 * turns that overflow since, instead of summarising its whole history again (see
 * {@link compressionHooks}).
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
  // Each effect's summary as sent last, and where it was recorded (see compressionHooks).
  const summaries: EffectSummaries = new WeakMap();
  const stored = redactor ?? noRedaction;
  // A fenced summary's id is made from its text as stored (ADR 0035).
  const fenceIdFrom = (text: string) => stored.text(text);
  return {
    name: 'budget',
    // Not an async function: a request that fits as it is (most) is passed on at once, and
    // only one that needs its whole history planned, or a summary, waits for it.
    call(call, next) {
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
      // An option the call's budget gives as `undefined` keeps the agent's, as one left out does.
      const planned = settings.budget
        ? { ...budget, ...definedOptions(settings.budget) }
        : (budget ?? noBudget);
      const compresses = planned.strategies?.includes('compress-history') === true;
      if (compresses && (!summariserModel || summariserModel === alias)) {
        throw new DefinitionError(
          'definition.invalid_option',
          summariserModel
            ? `The context budget of a call to "${alias}" lists compress-history, but "${alias}" is the summariserModel itself: it cannot write the summary of its own request. Give this effect a budget without compress-history (modelCall: { budget: { strategies: ['trim-oldest-history'] } }), or make another alias the summariserModel.`
            : `The context budget of a call to "${alias}" lists compress-history, which needs a model to write the summary, but createAgent was given no summariserModel. Add summariserModel: 'cheap' with that alias among the models, or remove the strategy.`,
        );
      }
      const hooks = compresses
        ? compressionHooks({
            scope,
            counter,
            redactor: stored,
            summariserModel: summariserModel!,
            summaries,
          })
        : undefined;
      // Optional fields set one by one rather than spread from objects made for the purpose:
      // every model call builds these options.
      const options: ApplyContextBudgetOptions = {
        request,
        model: { modelName: primary.modelName, metadata },
        counter,
        budget: planned,
        fenceIdFrom,
      };
      if (scan) options.scan = scan;
      if (settings.context) options.context = settings.context;
      // The request is journaled after it is cut, and redacted there: cuts go around secrets.
      if (stored.active) options.keepWhole = stored.spans;
      if (hooks) Object.assign(options, hooks.options);
      const now = applyContextBudgetNow(options);
      if (now) {
        if (settings.summary) warnIfSummaryCut(call, now.ledger);
        return next(budgeted(call, now));
      }
      return applyWholeContextBudget(options).then((result) => {
        if (settings.summary) warnIfSummaryCut(call, result.ledger);
        if (result.summary) hooks!.sent(result.summary);
        if (result.summaryFailure !== undefined) {
          scope.run.events.warn(
            scope.threadId,
            'budget.summary_failed',
            `The summary of the oldest history of a call to "${alias}" could not be written (${messageOf(result.summaryFailure)}); the request was fitted with the strategies listed after compress-history (${(planned.strategies ?? []).filter((strategy) => strategy !== 'compress-history').join(', ')}) instead.`,
          );
        }
        return next(budgeted(call, result));
      });
    },
  };
}

/**
 * Says so when a summariser's own request had to be cut to fit its window (its budget is
 * `keep-head-and-tail`, so the summary fits rather than recursing): it reads only the start
 * and end of the history it is given, and the summary says nothing of the messages between —
 * while the request it stands in for says it covers them all.
 */
function warnIfSummaryCut({ scope, alias, models }: ModelCall, ledger: BudgetLedger | undefined) {
  if (!ledger?.trimmed.some((record) => record.action === 'cut-middle')) return;
  scope.run.events.warn(
    scope.threadId,
    'budget.summary_partial',
    `The summariser "${alias}" (${models[0]!.modelName}) was given ${ledger.inputTokensBefore} tokens of history to summarise, more than its ${ledger.contextWindow}-token window holds beside its summary: it read only their start and end, and the summary says nothing of the messages between. Make the summariserModel a model whose window holds what the calling model's does.`,
  );
}

/** The call with its request as budgeted, and the budget's ledger. */
function budgeted(call: ModelCall, { request, ledger }: BudgetedRequest): ModelCall {
  return { ...call, request, ...(ledger ? { ledger } : {}) };
}

/** The model's metadata, with the assumed window when it names none. */
function metadataOf(model: ChatModel): ModelMetadata {
  if (model.metadata?.contextWindow) return model.metadata;
  return { ...model.metadata, contextWindow: assumedContextWindow };
}

function messageOf(error: unknown): string {
  // Read through readSafely: a summariser may throw anything, getters that throw included.
  const fields = error as { code?: unknown; message?: unknown } | null | undefined;
  const code = readSafely(() => fields?.code);
  const message = readSafely(() => fields?.message);
  return `${typeof code === 'string' ? `${code}: ` : ''}${typeof message === 'string' ? message : describeThrown(error)}`;
}
