import { describe, expect, it } from 'vitest';
import { resolvePricing } from './resolve-pricing';

const mini = { inputPerMillion: 0.15, outputPerMillion: 0.6, cachedInputPerMillion: 0.075 };

describe('resolvePricing', () => {
  it('prefers an override by name, then by snapshot family, then metadata', () => {
    const model = {
      modelName: 'gpt-4o-mini-2024-07-18',
      metadata: { contextWindow: 1, pricing: mini },
    };
    expect(resolvePricing(model)).toBe(mini);
    const negotiated = { inputPerMillion: 0.1, outputPerMillion: 0.4 };
    expect(resolvePricing(model, { 'gpt-4o-mini': negotiated })).toBe(negotiated);
    expect(resolvePricing({ modelName: 'local' })).toBeUndefined();
  });
});
