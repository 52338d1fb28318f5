import { describe, expect, it } from 'vitest';
import { ModelCallError } from '../model/model-call-error';
import { RateLimiter } from './rate-limiter';
import { ManualClock } from './testing/manual-clock';

function limiter(
  options: ConstructorParameters<typeof RateLimiter>[0] extends infer T ? Partial<T> : never,
) {
  const clock = new ManualClock();
  return { clock, limiter: new RateLimiter({ endpoint: 'fake:a', clock, ...options }) };
}

describe('RateLimiter', () => {
  it('spaces requests once the per-minute burst is spent', () => {
    const { limiter: rpm } = limiter({ requestsPerMinute: 2, maxWaitMs: Number.POSITIVE_INFINITY });
    expect(
      [rpm.reserve(0), rpm.reserve(0), rpm.reserve(0), rpm.reserve(0)].map((r) => r.delayMs),
    ).toEqual([0, 0, 30_000, 60_000]);
  });

  it('says which limit made a call wait', () => {
    const { limiter: both } = limiter({ requestsPerMinute: 100, tokensPerMinute: 1_000 });
    both.reserve(1_000);
    expect(both.reserve(500)).toMatchObject({
      delayMs: 30_000,
      reason: '1000 tokens per minute reached (this call needs 500)',
    });
  });

  it('refills with time', async () => {
    const { clock, limiter: tpm } = limiter({ tokensPerMinute: 6_000 });
    tpm.reserve(6_000);
    await clock.advance(30_000);
    expect(tpm.reserve(3_000).delayMs).toBe(0);
    expect(tpm.reserve(600).delayMs).toBe(6_000);
  });

  it('corrects the charge with the usage the provider reported', () => {
    const under = limiter({ tokensPerMinute: 1_000 }).limiter;
    under.reserve(100).settle(1_000);
    expect(under.reserve(100).delayMs).toBe(6_000);

    const over = limiter({ tokensPerMinute: 1_000 }).limiter;
    over.reserve(1_000).settle(100);
    expect(over.reserve(900).delayMs).toBe(0);
  });

  it('gives a cancelled reservation back', () => {
    const { limiter: rpm } = limiter({ requestsPerMinute: 1 });
    rpm.reserve(0).cancel();
    expect(rpm.reserve(0).delayMs).toBe(0);
  });

  it('fails with rate_limiter_timeout, reserving nothing, when capacity comes after maxWaitMs', () => {
    const { limiter: rpm } = limiter({ requestsPerMinute: 1, maxWaitMs: 10_000 });
    rpm.reserve(0);
    let thrown: unknown;
    try {
      rpm.reserve(0);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ModelCallError);
    expect(thrown).toMatchObject({ kind: 'rate_limiter_timeout', endpoint: 'fake:a' });
    expect((thrown as Error).message).toContain('longer than rateLimit.maxWaitMs (10000 ms)');
  });

  it.each([
    [
      { requestsPerMinute: 0 },
      /rateLimit\.requestsPerMinute is 0\. Give a positive number of requests/,
    ],
    [
      { tokensPerMinute: -5 },
      /rateLimit\.tokensPerMinute is -5\. Give a positive number of tokens/,
    ],
    [{ maxWaitMs: -1 }, /rateLimit\.maxWaitMs is -1/],
  ])('rejects %o with definition.invalid_option', (options, message) => {
    expect(() => limiter(options)).toThrow(message);
  });
});
