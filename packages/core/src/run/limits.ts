import type { LimitInfo, RunLimits } from '../agent/types';
import type { RunUsage } from '../store/types';

/** The first limit `usage` has reached, if any. `elapsedMs` is the run's wall time so far. */
export function reachedLimit(
  limits: RunLimits,
  usage: RunUsage,
  elapsedMs: number,
): LimitInfo | undefined {
  const checks: [keyof RunLimits, number, number | undefined][] = [
    ['maxSteps', usage.steps, limits.maxSteps],
    ['maxModelCalls', usage.modelCalls, limits.maxModelCalls],
    ['maxTokens', usage.inputTokens + usage.outputTokens, limits.maxTokens],
    ['maxCostUsd', usage.costUsd, limits.maxCostUsd],
    ['maxWallTimeMs', elapsedMs, limits.maxWallTimeMs],
  ];
  for (const [limit, value, max] of checks) {
    if (max !== undefined && value >= max) return { limit, value, max };
  }
  return undefined;
}

/** Usage of a run that has done nothing yet. */
export function emptyUsage(): RunUsage {
  return { inputTokens: 0, outputTokens: 0, costUsd: 0, modelCalls: 0, toolCalls: 0, steps: 0 };
}
