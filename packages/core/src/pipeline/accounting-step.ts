import type { CostLedger } from '../cost/cost-ledger';
import { costOfUsage } from '../cost/cost-of-usage';
import { type PriceTable, resolvePricing } from '../cost/resolve-pricing';
import type { TenantQuota } from '../tenancy/types';
import type { ModelCallMiddleware } from './types';

/** What the accounting step needs from its agent. */
export interface AccountingStepOptions {
  prices: PriceTable | undefined;
  quota: TenantQuota | undefined;
  costLedger: CostLedger | undefined;
}

/**
 * Prices the answer (at the model that gave it; nothing for a cache hit), corrects the
 * tenant's quota with the tokens really used, and records the cost for cross-run queries.
 * The run's own usage is not counted here: it is a fold over the journal record this
 * outcome becomes.
 */
export function accountingStep({
  prices,
  quota,
  costLedger,
}: AccountingStepOptions): ModelCallMiddleware {
  return {
    name: 'accounting',
    async call(call, next) {
      const outcome = await next(call);
      const { scope, ledger, callId } = call;
      const { usage } = outcome.response;
      const answeredBy = call.models.find((model) => model.modelName === outcome.model);
      const costUsd =
        outcome.cached || !answeredBy ? 0 : costOfUsage(usage, resolvePricing(answeredBy, prices));
      const { tenantId } = scope.run;
      if (quota && tenantId !== undefined) {
        await quota.settle(tenantId, {
          estimatedTokens: (ledger?.inputTokens ?? 0) + (ledger?.reservedOutputTokens ?? 0),
          actualTokens: outcome.cached ? 0 : usage.inputTokens + usage.outputTokens,
        });
      }
      await costLedger?.record({
        threadId: scope.threadId,
        ...(tenantId === undefined ? {} : { tenantId }),
        callId,
        model: outcome.model,
        usage,
        costUsd,
        cached: outcome.cached,
        at: scope.run.clock.now(),
      });
      return { ...outcome, costUsd };
    },
  };
}
