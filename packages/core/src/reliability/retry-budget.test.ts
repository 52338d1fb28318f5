import { describe, expect, it } from 'vitest';
import { RetryBudget } from './retry-budget';
import { ManualClock } from './testing/manual-clock';
import type { RetryBudgetOptions } from './types';

function budgetOn(options: RetryBudgetOptions = {}) {
  const clock = new ManualClock();
  const budget = new RetryBudget({ ...options, clock });
  /** Begins `count` calls and asks each for one retry; returns the calls and the grants. */
  const callsAsking = (count: number, asking = count) => {
    const calls = Array.from({ length: count }, () => budget.beginCall());
    const granted = calls.slice(0, asking).map((call) => call.tryRetry());
    return { calls, granted: granted.filter(Boolean).length };
  };
  return { clock, budget, callsAsking };
}

describe('RetryBudget', () => {
  it('lets a lone caller retry minRetries times', () => {
    const { budget } = budgetOn();
    const call = budget.beginCall();
    expect([call.tryRetry(), call.tryRetry(), call.tryRetry(), call.tryRetry()]).toEqual([
      true,
      true,
      true,
      false,
    ]);
  });

  it('allows retries up to ratio of the active calls in an outage', () => {
    const { callsAsking } = budgetOn();
    expect(callsAsking(100).granted).toBe(20);
  });

  it('grants every retry of a 10% burst at any concurrency (issue 9)', () => {
    for (const concurrency of [20, 200, 2_000]) {
      const { callsAsking } = budgetOn();
      expect(callsAsking(concurrency, concurrency / 10).granted).toBe(concurrency / 10);
    }
  });

  it('keeps counting ended calls and retries for windowMs, then forgets them', async () => {
    const { clock, budget, callsAsking } = budgetOn({ windowMs: 10_000 });
    const { calls } = callsAsking(100);
    for (const call of calls) call.end();
    // The burst is over but still weighs: no room for more retries.
    expect(budget.usage()).toEqual({ calls: 100, retries: 20, limit: 20 });
    expect(budget.beginCall().tryRetry()).toBe(false);
    await clock.advance(10_000);
    expect(budget.usage()).toEqual({ calls: 1, retries: 0, limit: 3 });
    expect(budget.retriesAllowed()).toBe(3);
  });

  it('counts a retry still in flight, however long ago it was granted', async () => {
    const { clock, budget } = budgetOn({ minRetries: 1, windowMs: 1_000 });
    const slow = budget.beginCall();
    expect(slow.tryRetry()).toBe(true);
    await clock.advance(60_000);
    expect(budget.usage().retries).toBe(1);
    expect(budget.beginCall().tryRetry()).toBe(false);
  });

  it('makes a call’s next retry replace its last one in flight, which still counts for the window', () => {
    const { budget } = budgetOn({ minRetries: 2 });
    const call = budget.beginCall();
    call.tryRetry();
    call.tryRetry();
    expect(budget.usage().retries).toBe(2);
  });

  it('grants nothing to an ended call, and ends once', () => {
    const { budget } = budgetOn();
    const call = budget.beginCall();
    call.end();
    call.end();
    expect(call.tryRetry()).toBe(false);
    expect(budget.usage()).toEqual({ calls: 1, retries: 0, limit: 3 });
  });

  it('holds no timer', () => {
    const { clock, callsAsking } = budgetOn();
    for (const call of callsAsking(50).calls) call.end();
    expect(clock.pendingTimers).toBe(0);
  });

  it.each<[RetryBudgetOptions, RegExp]>([
    [{ ratio: -0.1 }, /retryBudget\.ratio is -0\.1\. Give a share of active calls in \[0, 1\]/],
    [{ ratio: 1.5 }, /retryBudget\.ratio is 1\.5/],
    [{ ratio: Number.NaN }, /retryBudget\.ratio is NaN/],
    [{ minRetries: -1 }, /retryBudget\.minRetries is -1\. Give a whole number of retries/],
    [{ minRetries: 1.5 }, /retryBudget\.minRetries is 1\.5/],
    [{ minRetries: Number.POSITIVE_INFINITY }, /retryBudget\.minRetries is Infinity/],
    [{ windowMs: 0 }, /retryBudget\.windowMs is 0\. Give a positive number of milliseconds/],
    [{ windowMs: Number.NaN }, /retryBudget\.windowMs is NaN/],
    [
      { maxTokens: 10 } as RetryBudgetOptions,
      /retryBudget\.maxTokens is no longer an option\. .* use ratio/,
    ],
  ])('rejects %o with definition.invalid_option', (options, message) => {
    expect(() => new RetryBudget({ ...options, clock: new ManualClock() })).toThrow(
      expect.objectContaining({
        code: 'definition.invalid_option',
        message: expect.stringMatching(message),
      }),
    );
  });
});
