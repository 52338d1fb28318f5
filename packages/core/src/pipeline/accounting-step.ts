import { costOfUsage } from '../cost/cost-of-usage';
import { nearMissPriceHint } from '../cost/near-miss-price-key';
import { type PriceTable, resolvePricing } from '../cost/resolve-pricing';
import type { ChatModel } from '../model/types';
import type { TenantQuota } from '../tenancy/types';
import type { ModelCall, ModelCallMiddleware, ModelCallOutcome } from './types';

/** What the accounting step needs from its agent. */
export interface AccountingStepOptions {
  prices: PriceTable | undefined;
  quota: TenantQuota | undefined;
}

/**
 * Prices the answer (at the model that gave it; nothing for a cache hit) and corrects the
 * tenant's quota with the tokens really used. The run's own usage is not counted here: it is
 * a fold over the journal record this outcome becomes; nor is the cost ledger's entry, which
 * the journal step makes once that record is written (see `journalStep`). A model with no
 * known price is counted at $0, and said so once per model with an `agent.warning`
 * (`model.unknown_price`): a hosted model whose name the adapter does not know would otherwise
 * look free in every report. So is a model that answers without reporting its usage
 * (`model.usage_missing`): an OpenAI-compatible server that leaves the usage chunk out of its
 * streams would be counted at 0 tokens, past every token and cost limit. And so is a model
 * that reports more cached input tokens than input tokens (`model.usage_cached_over_input`):
 * its adapter counted the uncached input alone.
 */
export function accountingStep({ prices, quota }: AccountingStepOptions): ModelCallMiddleware {
  const warned = new WeakSet<ChatModel>();
  const warnedOfUsage = new WeakSet<ChatModel>();
  const warnedOfCachedUsage = new WeakSet<ChatModel>();
  /** The outcome priced, once the tenant's quota (when there is one) knows what it used. */
  const account = (
    call: ModelCall,
    outcome: ModelCallOutcome,
  ): ModelCallOutcome | Promise<ModelCallOutcome> => {
    const { scope } = call;
    const { usage } = outcome.response;
    const answeredBy = call.models.find((model) => model.modelName === outcome.model);
    const pricing = answeredBy && resolvePricing(answeredBy, prices);
    const costUsd = outcome.cached || !answeredBy ? 0 : costOfUsage(usage, pricing);
    if (answeredBy && !pricing && !outcome.cached && !warned.has(answeredBy)) {
      warned.add(answeredBy);
      scope.run.events.warn(
        scope.threadId,
        'model.unknown_price',
        `Model "${answeredBy.modelName}" (${answeredBy.endpoint}) has no known price: its calls are counted at $0 in usage, cost reports and the cost ledger.${nearMissPriceHint(answeredBy.modelName, prices)} Give its price: createAgent({ prices: { '${answeredBy.modelName}': { inputPerMillion, outputPerMillion } } }) or the model's metadata.pricing (0 and 0 for a free local model).`,
      );
    }
    // No real request is sent without input tokens: zero in and out means none were reported.
    const unreported = usage.inputTokens === 0 && usage.outputTokens === 0;
    if (answeredBy && unreported && !outcome.cached && !warnedOfUsage.has(answeredBy)) {
      warnedOfUsage.add(answeredBy);
      scope.run.events.warn(
        scope.threadId,
        'model.usage_missing',
        `Model "${answeredBy.modelName}" (${answeredBy.endpoint}) answered without reporting its token usage: its calls are counted at 0 tokens and $0, so maxTokens, maxCostUsd, tenant quotas and cost reports do not see them. Make the endpoint report usage (an OpenAI-compatible server streaming its answers sends it in a last chunk when asked with stream_options.include_usage, which the OpenAI adapter asks for; some servers need it turned on), or turn streaming off for this model.`,
      );
    }
    // Cached input is part of the input (OpenAI's `prompt_tokens`): more of it than the whole
    // input means an adapter passed on a provider's count of the uncached input alone
    // (Anthropic's `input_tokens`), and every cached call is priced and counted far too low.
    const cachedOverInput = (usage.cachedInputTokens ?? 0) > usage.inputTokens;
    if (answeredBy && cachedOverInput && !outcome.cached && !warnedOfCachedUsage.has(answeredBy)) {
      warnedOfCachedUsage.add(answeredBy);
      scope.run.events.warn(
        scope.threadId,
        'model.usage_cached_over_input',
        `Model "${answeredBy.modelName}" (${answeredBy.endpoint}) reported ${usage.cachedInputTokens} cached input tokens out of ${usage.inputTokens} input tokens: usage.inputTokens must count every input token, cached ones included. Its calls are priced and counted as if only ${usage.inputTokens} tokens were read. Fix the adapter: for a provider that reports cache reads and writes apart from the input (Anthropic's input_tokens, cache_read_input_tokens, cache_creation_input_tokens), give their sum as inputTokens and the reads as cachedInputTokens.`,
      );
    }
    const priced = { ...outcome, costUsd };
    const { tenantId } = scope.run;
    if (quota === undefined || tenantId === undefined) return priced;
    const actualTokens = outcome.cached ? 0 : usage.inputTokens + usage.outputTokens;
    return settleQuota(quota, tenantId, call, actualTokens).then(() => priced);
  };
  return {
    name: 'accounting',
    // Not an async function: all of its work comes after the call, so while the call is in
    // flight it keeps one small closure, not a suspended frame (see `composePipeline`).
    call(call, next) {
      return next(call).then(
        (outcome) => account(call, outcome),
        (error: unknown) => release(call, error),
      );
    },
  };

  /**
   * A call that failed (every attempt and fallback, a guard, an abort) gave no usage to
   * settle, and its run's usage counts none: the tokens its tenant was charged at admission
   * are given back, or each failed call — a burst of them in a provider outage — would keep
   * its whole estimate (input and output cap) charged until the window ends, and refuse the
   * tenant's next calls for tokens it never used. The request itself stays counted.
   */
  async function release(call: ModelCall, error: unknown): Promise<never> {
    const { tenantId } = call.scope.run;
    if (quota !== undefined && tenantId !== undefined) await settleQuota(quota, tenantId, call, 0);
    throw error;
  }
}

/** Corrects the tokens the tenant was charged at admission (see `limitsStep`) with `actualTokens`. */
function settleQuota(
  quota: TenantQuota,
  tenantId: string,
  { ledger, admittedAt }: ModelCall,
  actualTokens: number,
): Promise<void> {
  return quota.settle(tenantId, {
    estimatedTokens: (ledger?.inputTokens ?? 0) + (ledger?.reservedOutputTokens ?? 0),
    actualTokens,
    ...(admittedAt === undefined ? {} : { admittedAt }),
  });
}
