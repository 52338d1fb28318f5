import type { LimitInfo, RunLimits } from '../agent/types';
import type { ModelPricing } from '../model/types';
import type { RunUsage } from '../store/types';

/** What the next call may use at most, for {@link projectedLimit}. */
export interface NextCall {
  /** Input tokens of the request (the budget ledger's `inputTokens`). */
  inputTokens: number;
  /** The most output it may produce (the ledger's `reservedOutputTokens`). */
  maxOutputTokens: number;
  pricing?: ModelPricing;
}

/**
 * The run limit the next call would cross if it used all it may — checked *before* the call,
 * so a run stops at its budget instead of one call past it. `maxTokens` and `maxCostUsd` are
 * projected with the call's input and its full output reserve; the other limits as they
 * stand. Undefined when the call is within every limit.
 */
export function projectedLimit(
  limits: RunLimits,
  usage: RunUsage,
  next: NextCall,
): LimitInfo | undefined {
  const tokens = usage.inputTokens + usage.outputTokens + next.inputTokens + next.maxOutputTokens;
  if (limits.maxTokens !== undefined && tokens > limits.maxTokens) {
    return { limit: 'maxTokens', value: tokens, max: limits.maxTokens };
  }
  if (limits.maxCostUsd !== undefined && next.pricing) {
    const cost =
      usage.costUsd +
      (next.inputTokens * next.pricing.inputPerMillion +
        next.maxOutputTokens * next.pricing.outputPerMillion) /
        1e6;
    if (cost > limits.maxCostUsd)
      return { limit: 'maxCostUsd', value: cost, max: limits.maxCostUsd };
  }
  if (limits.maxModelCalls !== undefined && usage.modelCalls + 1 > limits.maxModelCalls) {
    return { limit: 'maxModelCalls', value: usage.modelCalls + 1, max: limits.maxModelCalls };
  }
  return undefined;
}
