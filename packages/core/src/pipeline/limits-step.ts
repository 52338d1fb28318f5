import { sleep } from '../clock/clock';
import { type PriceTable, resolvePricing } from '../cost/resolve-pricing';
import type { ChatModel, ModelPricing } from '../model/types';
import type { LimitInfo } from '../run/types';
import type { QuotaDecision, TenantQuota } from '../tenancy/types';
import { limitRefusal } from './limit-refusal';
import type { ModelCall, ModelCallMiddleware, ModelCallScope } from './types';

/** What the limits step needs from its agent. */
export interface LimitsStepOptions {
  prices: PriceTable | undefined;
  quota: TenantQuota | undefined;
}

/**
 * Refuses a call that would cross a run limit (projected with the call's input and its output
 * cap, see `RunLimits`) or the tenant's quota, before it is sent, by throwing
 * {@link limitRefusal}'s error. Inside the journal step, so a recorded answer is never refused
 * on resume; the journal step records the refusal as the call's outcome, then
 * {@link signalRefusal} ends the run in `limit` — or the chart, when it handles
 * `limit.reached`, wraps up within its grace.
 */
export function limitsStep({ prices, quota }: LimitsStepOptions): ModelCallMiddleware {
  return {
    name: 'limits',
    // Not an async function: a call passed on keeps no suspended frame of this step while it
    // is in flight, only the reactions that end its count (see `composePipeline`).
    call(call, next) {
      const { scope, ledger, request } = call;
      const { run } = scope;
      // Its state was left on the way here (the chart moved on to wrap up, say): it is not sent,
      // nor counted against the calls that are.
      if (scope.aborted) return Promise.reject(scope.abortReason);
      const inputTokens = ledger?.inputTokens ?? 0;
      const maxOutputTokens = request.maxOutputTokens ?? ledger?.reservedOutputTokens ?? 0;
      const projected = {
        inputTokens,
        maxOutputTokens,
        pricing: dearestPricing(call.models, prices, inputTokens, maxOutputTokens),
      };
      const limit = run.limitBeforeModelCall(projected);
      if (limit) return Promise.reject(limitRefusal(call, limit));
      // Counted as in flight from the moment it passed: calls running side by side (parallel
      // states, child agents) are judged with it, not each against what was used before any.
      // Its record ends the count; a call that ends without one (refused below) ends it here,
      // and so does an abort: the chart has moved on, and its next calls must not wait for it.
      const release = run.reserveModelCall(call.callId, projected);
      const { tenantId } = run;
      const passing =
        quota && tenantId !== undefined
          ? admitTenant(call, quota, tenantId, inputTokens).then((admittedAt) =>
              next(admittedAt === undefined ? call : { ...call, admittedAt }),
            )
          : next(call);
      if (!release) return passing;
      const { signal } = scope;
      signal.addEventListener('abort', release, { once: true });
      return passing.then(
        (outcome) => {
          signal.removeEventListener('abort', release);
          return outcome;
        },
        (error: unknown) => {
          release();
          signal.removeEventListener('abort', release);
          throw error;
        },
      );
    },
  };
}

/**
 * The price the call is projected at: that of the dearest of its models for this input and
 * output cap, since any of them may answer it (a fallback when the primary cannot). Projected
 * at the primary's, a call to a cheap primary with a dear fallback passed `maxCostUsd` and
 * then cost what the fallback charges: $1.20 in a run limited to $0.50. See ADR 0061.
 */
function dearestPricing(
  models: readonly ChatModel[],
  prices: PriceTable | undefined,
  inputTokens: number,
  maxOutputTokens: number,
): ModelPricing | undefined {
  let dearest: ModelPricing | undefined;
  let dearestCost = -1;
  for (const model of models) {
    const pricing = resolvePricing(model, prices);
    if (!pricing) continue;
    const cost = inputTokens * pricing.inputPerMillion + maxOutputTokens * pricing.outputPerMillion;
    if (cost > dearestCost) {
      dearest = pricing;
      dearestCost = cost;
    }
  }
  return dearest;
}

/**
 * Signals the limit a refused call met, once the journal holds the refusal (so the call's
 * record ends as `failed` with `run.limit_reached`, never `started`: the run's end aborts
 * the effect, and an aborted step's record is left as it was). The run ends (aborting this
 * effect), or the chart takes the `limit.reached` event and leaves the state. A chart that
 * takes the event but stays gets the typed error instead of a call that hangs. A call whose
 * state was left before its refusal was on record signals nothing: the chart has moved on.
 *
 * A tenant quota's refusal fails the effect instead when the chart takes that failure (an
 * `onError`): the quota is the tenant's, over time, not the thread's, and ending the run would
 * end a conversation for good over a quota that resets (ADR 0094).
 */
export function signalRefusal(
  scope: ModelCallScope,
  limit: LimitInfo,
  refusal: unknown,
): Promise<never> {
  // Calls refused side by side (parallel states) are on record one after another: the first
  // hands the chart `limit.reached`, and the wrap-up it moves to aborts the others. Signalled
  // too, their refusals ended the run in `limit` and cut off the wrap-up's grace.
  if (scope.aborted) return scope.untilAborted();
  if (limit.tenantId !== undefined && scope.takesFailure(refusal)) {
    scope.run.events.emit('limit.reached', scope.threadId, { ...limit });
    throw refusal;
  }
  scope.run.reachLimit(limit);
  if (scope.signal.aborted) return scope.untilAborted();
  throw refusal;
}

/**
 * Refuses a call over its tenant's quota (see `createTenantQuota`), counted with this call;
 * resolves to when the quota admitted it, when the quota says. A call over a per-minute
 * window that the window's reset will make room for waits for it and asks again, as a call
 * over a provider's rate limit waits out its `Retry-After`: a per-minute quota paces a burst
 * of the tenant's runs instead of ending those that came last. A per-day window, or one this
 * call alone is over, refuses it. The wait ends with the effect (its state left, the run
 * stopped).
 */
async function admitTenant(
  call: ModelCall,
  quota: TenantQuota,
  tenantId: string,
  inputTokens: number,
): Promise<number | undefined> {
  const plannedTokens = inputTokens + (call.ledger?.reservedOutputTokens ?? 0);
  const { scope } = call;
  for (;;) {
    const decision = await quota.admit(tenantId, { estimatedTokens: plannedTokens });
    if (decision.allowed) return decision.admittedAt;
    if (!waitsForWindow(decision)) {
      // Counted with this call, as every limit is (see `LimitInfo.value`).
      const thisCall = decision.limit.startsWith('requests') ? 1 : plannedTokens;
      throw limitRefusal(call, {
        limit: decision.limit,
        value: decision.used + thisCall,
        max: decision.max,
        tenantId,
      });
    }
    await sleep(scope.run.clock, decision.retryAfterMs, scope.signal);
  }
}

/** The longest a call waits for a quota's window in one go: a minute's window and a margin. */
const maxWindowWaitMs = 61_000;

/**
 * True when a refused call may wait for its window to reset: a per-minute window that holds
 * other calls now (`used` > 0; a call over the limit alone would never be admitted).
 */
function waitsForWindow(decision: Extract<QuotaDecision, { allowed: false }>): boolean {
  return (
    (decision.limit === 'requestsPerMinute' || decision.limit === 'tokensPerMinute') &&
    decision.used > 0 &&
    decision.retryAfterMs >= 0 &&
    decision.retryAfterMs <= maxWindowWaitMs
  );
}
