import { type PriceTable, resolvePricing } from '../cost/resolve-pricing';
import { RunError } from '../errors/run-error';
import type { LimitInfo } from '../run/types';
import type { TenantQuota } from '../tenancy/types';
import type { ModelCall, ModelCallMiddleware } from './types';

/** What the limits step needs from its agent. */
export interface LimitsStepOptions {
  prices: PriceTable | undefined;
  quota: TenantQuota | undefined;
}

/**
 * Refuses a call that would cross a run limit (projected with the call's input and its output
 * cap, see `RunLimits`) or the tenant's quota, before it is sent: the run ends in `limit` —
 * or the chart, when it handles `limit.reached`, wraps up within its grace. Inside the journal
 * step, so a recorded answer is never refused on resume.
 */
export function limitsStep({ prices, quota }: LimitsStepOptions): ModelCallMiddleware {
  return {
    name: 'limits',
    async call(call, next) {
      const { scope, ledger, request } = call;
      const { run } = scope;
      const primary = call.models[0]!;
      const inputTokens = ledger?.inputTokens ?? 0;
      const limit = run.limitBeforeModelCall({
        inputTokens,
        maxOutputTokens: request.maxOutputTokens ?? ledger?.reservedOutputTokens ?? 0,
        pricing: resolvePricing(primary, prices),
      });
      if (limit) await refuse(call, limit);
      const { tenantId } = run;
      if (quota && tenantId !== undefined) {
        const plannedTokens = inputTokens + (ledger?.reservedOutputTokens ?? 0);
        const decision = await quota.admit(tenantId, { estimatedTokens: plannedTokens });
        if (!decision.allowed) {
          await refuse(call, { limit: decision.limit, value: decision.used, max: decision.max });
        }
      }
      return next(call);
    },
  };
}

/**
 * Signals the limit and never sends the call: the run ends (aborting this effect), or the
 * chart takes the `limit.reached` event and leaves the state. A chart that takes the event
 * but stays gets a typed error instead of a call that hangs.
 */
async function refuse({ scope, callId }: ModelCall, limit: LimitInfo): Promise<never> {
  scope.run.reachLimit(limit);
  if (scope.signal.aborted) return scope.untilAborted();
  throw new RunError('run.limit_reached', {
    message: `Model call ${callId} was not sent: the run reached its ${limit.limit} limit (${limit.value} of ${limit.max})${limit.duringWrapUp ? ' during its wrap-up grace' : ''}. Raise the limit, or let the chart finish without this call.`,
    details: { ...limit },
  });
}
