import { ModelCallError } from '../model/model-call-error';
import type { ChatModel } from '../model/types';
import { applyContextBudget } from './apply-context-budget';
import { BudgetError } from './budget-error';
import { estimateTokenCounter } from './create-token-counter';
import type { TokenCounter } from './token-counter';
import type { BudgetLedger, ContextBudgetOptions } from './types';

/** Options of {@link withContextBudget}. */
export interface WithContextBudgetOptions {
  /** Default: the built-in estimate. */
  counter?: TokenCounter;
  budget?: ContextBudgetOptions;
  /** Receives each call's ledger. */
  onLedger?(ledger: BudgetLedger): void;
}

/**
 * A model that fits every request to its own context window before sending it — the context
 * budget as a model wrapper, for agents whose runtime does not budget calls itself. Each
 * model of a fallback chain keeps its own window. A request that cannot fit is never sent:
 * it fails with a `context_length` {@link ModelCallError} (fatal, not retried) whose cause
 * is the {@link BudgetError}. `compress-history` is not available here: a summary must be a
 * journaled call of the run.
 *
 * @example
 * ```ts
 * const fast = withContextBudget(openAIChatModel({ model: 'gpt-4o-mini' }), {
 *   counter: await tiktokenCounter({ model: 'gpt-4o-mini' }),
 *   budget: { strategies: ['trim-oldest-history', 'keep-head-and-tail'] },
 * });
 * ```
 */
export function withContextBudget(
  model: ChatModel,
  { counter = estimateTokenCounter, budget, onLedger }: WithContextBudgetOptions = {},
): ChatModel {
  return {
    modelName: model.modelName,
    endpoint: model.endpoint,
    ...(model.metadata ? { metadata: model.metadata } : {}),
    async generate(request, options) {
      try {
        const budgeted = await applyContextBudget({
          request,
          model,
          counter,
          ...(budget ? { budget } : {}),
        });
        if (budgeted.ledger) onLedger?.(budgeted.ledger);
        return await model.generate(budgeted.request, options);
      } catch (error) {
        if (!BudgetError.isInstance(error) || !(error instanceof BudgetError)) throw error;
        throw new ModelCallError({
          kind: 'context_length',
          endpoint: model.endpoint,
          message: error.message,
          cause: error,
        });
      }
    },
  };
}
