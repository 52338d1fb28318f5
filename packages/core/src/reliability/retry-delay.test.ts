import { describe, expect, it } from 'vitest';
import { ModelCallError } from '../model/model-call-error';
import { fullJitterBackoff, planRetryDelay } from './retry-delay';

const backoff = { baseDelayMs: 100, maxDelayMs: 1_000, maxRetryAfterMs: 5_000 };

describe('fullJitterBackoff', () => {
  it('draws from [0, base · 2^(retry-1)), capped at maxDelayMs', () => {
    const top = (retry: number) =>
      fullJitterBackoff({ retry, ...backoff, random: () => 0.999_999 });
    expect([1, 2, 3, 4, 5, 6].map(top)).toEqual([99, 199, 399, 799, 999, 999]);
    expect(fullJitterBackoff({ retry: 3, ...backoff, random: () => 0 })).toBe(0);
    expect(fullJitterBackoff({ retry: 3, ...backoff, random: () => 0.5 })).toBe(200);
  });
});

describe('planRetryDelay', () => {
  it('waits exactly the server hint, not a jittered fraction of it', () => {
    const error = new ModelCallError({ kind: 'rate_limited', message: '429', retryAfterMs: 2_500 });
    expect(planRetryDelay({ error, attempt: 1, random: () => 0, ...backoff })).toEqual({
      delayMs: 2_500,
      source: 'retry_hint',
    });
  });

  it('uses jittered backoff when there is no hint', () => {
    const error = new ModelCallError({ kind: 'server_error', message: '503' });
    expect(planRetryDelay({ error, attempt: 2, random: () => 0.5, ...backoff })).toEqual({
      delayMs: 100,
      source: 'backoff',
    });
  });

  it('refuses a hint beyond maxRetryAfterMs with retry_hint_too_long, keeping the original as cause', () => {
    const error = new ModelCallError({
      kind: 'rate_limited',
      message: '429',
      endpoint: 'openai:x',
      retryAfterMs: 60_000,
    });
    let thrown: unknown;
    try {
      planRetryDelay({ error, attempt: 1, random: () => 0, ...backoff });
    } catch (caught) {
      thrown = caught;
    }
    expect(thrown).toBeInstanceOf(ModelCallError);
    expect(thrown).toMatchObject({
      kind: 'retry_hint_too_long',
      endpoint: 'openai:x',
      cause: error,
    });
    expect((thrown as Error).message).toContain('maxRetryAfterMs (5000 ms)');
  });
});
