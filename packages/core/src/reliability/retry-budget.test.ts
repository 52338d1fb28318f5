import { describe, expect, it } from 'vitest';
import { DefinitionError } from '../errors/definition-error';
import { RetryBudget } from './retry-budget';

describe('RetryBudget', () => {
  it('allows retries while more than half the tokens remain', () => {
    const budget = new RetryBudget();
    const allowed: boolean[] = [];
    for (let i = 0; i < 6; i += 1) {
      budget.recordFailure();
      allowed.push(budget.allowsRetry());
    }
    expect(allowed).toEqual([true, true, true, true, false, false]);
    expect(budget.tokens).toBe(4);
  });

  it('earns retries back at tokenRatio per success, up to maxTokens', () => {
    const budget = new RetryBudget({ maxTokens: 10, tokenRatio: 0.1 });
    for (let i = 0; i < 10; i += 1) budget.recordFailure();
    expect(budget.tokens).toBe(0);
    for (let i = 0; i < 50; i += 1) budget.recordSuccess();
    expect(budget.tokens).toBe(5);
    expect(budget.allowsRetry()).toBe(false);
    budget.recordSuccess();
    expect(budget.allowsRetry()).toBe(true);
    for (let i = 0; i < 100; i += 1) budget.recordSuccess();
    expect(budget.tokens).toBe(10);
  });

  it.each([0, -0.5, 1.5, Number.NaN])(
    'rejects tokenRatio %s, saying to give a ratio in (0, 1]',
    (tokenRatio) => {
      expect(() => new RetryBudget({ tokenRatio })).toThrow(DefinitionError);
      expect(() => new RetryBudget({ tokenRatio })).toThrow(
        /retryBudget\.tokenRatio .* Give a ratio in \(0, 1\]/,
      );
    },
  );

  it('rejects a maxTokens that is not positive', () => {
    expect(() => new RetryBudget({ maxTokens: 0 })).toThrow(
      expect.objectContaining({ code: 'definition.invalid_option' }),
    );
  });
});
