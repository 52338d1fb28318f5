import { describe, expect, it } from 'vitest';
import { costOfUsage } from './cost-of-usage';

const mini = { inputPerMillion: 0.15, outputPerMillion: 0.6, cachedInputPerMillion: 0.075 };

describe('costOfUsage', () => {
  it('prices input, cached input and output separately', () => {
    expect(costOfUsage({ inputTokens: 1_000_000, outputTokens: 1_000_000 }, mini)).toBeCloseTo(
      0.75,
      10,
    );
    expect(
      costOfUsage({ inputTokens: 1_000_000, outputTokens: 0, cachedInputTokens: 400_000 }, mini),
    ).toBeCloseTo(0.6 * 0.15 + 0.4 * 0.075, 10);
    expect(costOfUsage({ inputTokens: 10, outputTokens: 10 }, undefined)).toBe(0);
  });

  it('prices cached input at the input price when no cached price is known', () => {
    expect(
      costOfUsage(
        { inputTokens: 1_000_000, outputTokens: 0, cachedInputTokens: 1_000_000 },
        { inputPerMillion: 1, outputPerMillion: 2 },
      ),
    ).toBeCloseTo(1, 10);
  });
});
