import { describe, expect, it } from 'vitest';
import { projectedLimit } from './projected-limit';

const mini = { inputPerMillion: 0.15, outputPerMillion: 0.6, cachedInputPerMillion: 0.075 };
const usage = {
  inputTokens: 0,
  outputTokens: 0,
  costUsd: 0,
  modelCalls: 0,
  toolCalls: 0,
  steps: 0,
};

describe('projectedLimit', () => {
  it('stops before a call whose full output would cross maxCostUsd', () => {
    const next = { inputTokens: 10_000, maxOutputTokens: 4_000, pricing: mini };
    // 10 000 × 0.15/M + 4 000 × 0.6/M = $0.0039.
    expect(
      projectedLimit({ maxCostUsd: 0.01 }, { ...usage, costUsd: 0.005 }, next),
    ).toBeUndefined();
    expect(projectedLimit({ maxCostUsd: 0.01 }, { ...usage, costUsd: 0.007 }, next)).toMatchObject({
      limit: 'maxCostUsd',
      max: 0.01,
    });
  });

  it('projects tokens and model calls too', () => {
    expect(
      projectedLimit({ maxTokens: 1_000 }, usage, { inputTokens: 900, maxOutputTokens: 200 }),
    ).toEqual({
      limit: 'maxTokens',
      value: 1_100,
      max: 1_000,
    });
    expect(
      projectedLimit(
        { maxModelCalls: 2 },
        { ...usage, modelCalls: 2 },
        { inputTokens: 1, maxOutputTokens: 1 },
      ),
    ).toEqual({
      limit: 'maxModelCalls',
      value: 3,
      max: 2,
    });
  });
});
