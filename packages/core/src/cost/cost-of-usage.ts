import type { ModelPricing, Usage } from '../model/types';
import { roundUsd } from './usd';

/**
 * What a call cost in US dollars: uncached input at the input price, input served from the
 * provider's prompt cache at the cached price (the input price when none is given), output
 * at the output price. 0 without pricing.
 */
export function costOfUsage(usage: Usage, pricing: ModelPricing | undefined): number {
  if (!pricing) return 0;
  const cached = Math.min(usage.cachedInputTokens ?? 0, usage.inputTokens);
  const uncached = usage.inputTokens - cached;
  return roundUsd(
    (uncached * pricing.inputPerMillion +
      cached * (pricing.cachedInputPerMillion ?? pricing.inputPerMillion) +
      usage.outputTokens * pricing.outputPerMillion) /
      1e6,
  );
}
