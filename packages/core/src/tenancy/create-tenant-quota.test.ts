import { describe, expect, it } from 'vitest';
import { DefinitionError } from '../errors/definition-error';
import { manualClock } from '../testing/manual-clock';
import { createTenantQuota } from './create-tenant-quota';
import { MemoryQuotaStore } from './memory-quota-store';

describe('createTenantQuota', () => {
  it('admits requests up to the per-minute limit and names the limit after it, with when it resets', async () => {
    const clock = manualClock(0);
    const quota = createTenantQuota({ limits: { requestsPerMinute: 2 }, clock });
    expect(await quota.admit('acme', { estimatedTokens: 10 })).toMatchObject({ allowed: true });
    expect(await quota.admit('acme', { estimatedTokens: 10 })).toMatchObject({ allowed: true });
    await clock.advance(15_000);
    expect(await quota.admit('acme', { estimatedTokens: 10 })).toEqual({
      allowed: false,
      limit: 'requestsPerMinute',
      used: 2,
      max: 2,
      retryAfterMs: 45_000,
    });
    expect(await quota.admit('globex', { estimatedTokens: 10 })).toMatchObject({ allowed: true });
    await clock.advance(45_000);
    expect(await quota.admit('acme', { estimatedTokens: 10 })).toMatchObject({ allowed: true });
  });

  it('charges estimated tokens, corrects them with real usage, and counts nothing for a refused call', async () => {
    const clock = manualClock(0);
    const quota = createTenantQuota({
      limits: { tokensPerDay: 1_000, requestsPerDay: 100 },
      clock,
    });
    await quota.admit('acme', { estimatedTokens: 600 });
    await quota.settle('acme', { estimatedTokens: 600, actualTokens: 700 });
    expect(await quota.usage('acme')).toMatchObject({ tokensToday: 700, requestsToday: 1 });
    expect(await quota.admit('acme', { estimatedTokens: 400 })).toMatchObject({
      allowed: false,
      limit: 'tokensPerDay',
      used: 700,
      max: 1_000,
    });
    expect(await quota.usage('acme')).toMatchObject({ tokensToday: 700, requestsToday: 1 });
    await clock.advance(86_400_000);
    expect(await quota.admit('acme', { estimatedTokens: 400 })).toMatchObject({ allowed: true });
  });

  it('corrects the window a call was admitted in, not the one it ends in', async () => {
    const clock = manualClock(59_000);
    const quota = createTenantQuota({ limits: { tokensPerMinute: 10_000 }, clock });
    const decision = await quota.admit('acme', { estimatedTokens: 5_000 });
    expect(decision).toEqual({ allowed: true, admittedAt: 59_000 });
    await clock.advance(1_500);
    await quota.settle('acme', {
      estimatedTokens: 5_000,
      actualTokens: 1_000,
      ...(decision.allowed ? { admittedAt: decision.admittedAt } : {}),
    });
    // Before, the 4 000 over-estimated tokens came off the new minute: -4 000 used, and the
    // tenant could spend 14 000 tokens in it against a limit of 10 000.
    expect(await quota.usage('acme')).toMatchObject({ tokensThisMinute: 0 });
    expect(await quota.admit('acme', { estimatedTokens: 10_001 })).toMatchObject({
      allowed: false,
      used: 0,
    });
  });

  it('takes limits per tenant, and leaves a tenant without limits unlimited', async () => {
    const quota = createTenantQuota({
      limits: (tenantId) => (tenantId === 'free' ? { requestsPerDay: 1 } : undefined),
      clock: manualClock(0),
    });
    await quota.admit('free', { estimatedTokens: 1 });
    expect((await quota.admit('free', { estimatedTokens: 1 })).allowed).toBe(false);
    for (let call = 0; call < 5; call++)
      expect((await quota.admit('paid', { estimatedTokens: 1 })).allowed).toBe(true);
  });

  it('shares one quota between two quota objects over one store (two processes)', async () => {
    const clock = manualClock(0);
    const store = new MemoryQuotaStore({ clock });
    const first = createTenantQuota({ limits: { requestsPerMinute: 3 }, store, clock });
    const second = createTenantQuota({ limits: { requestsPerMinute: 3 }, store, clock });
    const decisions = await Promise.all(
      Array.from({ length: 6 }, (_, index) =>
        (index % 2 ? first : second).admit('acme', { estimatedTokens: 1 }),
      ),
    );
    expect(decisions.filter((decision) => decision.allowed)).toHaveLength(3);
  });

  it('refuses limits that would leave a tenant unlimited, or refuse it everything, without a word', async () => {
    // Each of these was taken: NaN and a misspelt limit admitted every call, -1 none.
    const refused: [unknown, RegExp][] = [
      [{ requestsPerMinute: Number.NaN }, /limits\.requestsPerMinute is NaN/],
      [
        { requestPerMinute: 2 },
        /limits\.requestPerMinute is not an option; did you mean limits\.requestsPerMinute/,
      ],
      [{ tokensPerDay: -1 }, /limits\.tokensPerDay is -1/],
      [{ requestsPerDay: 1.5 }, /limits\.requestsPerDay is 1\.5/],
      [{ tokensPerMinute: '5' }, /limits\.tokensPerMinute is the string "5"/],
      [42, /limits is the number 42/],
      [null, /limits is null/],
    ];
    for (const [limits, message] of refused) {
      const made = () => createTenantQuota({ limits: limits as never });
      expect(made).toThrow(DefinitionError);
      expect(made).toThrow(message);
    }
    expect(() => createTenantQuota({ limits: {}, stroe: undefined } as never)).toThrow(
      /stroe is not an option; did you mean store/,
    );
    const quota = createTenantQuota({
      limits: (tenantId) => (tenantId === 'acme' ? { requestsPerMinute: Number.NaN } : undefined),
    });
    await expect(quota.admit('acme', { estimatedTokens: 1 })).rejects.toThrow(
      /limits\("acme"\)\.requestsPerMinute is NaN/,
    );
    expect(await quota.admit('globex', { estimatedTokens: 1 })).toMatchObject({ allowed: true });
  });

  it('takes 0 as a limit that refuses every call, and Infinity as none', async () => {
    const quota = createTenantQuota({ limits: { requestsPerMinute: 0, tokensPerDay: Infinity } });
    expect(await quota.admit('acme', { estimatedTokens: 1 })).toMatchObject({
      allowed: false,
      limit: 'requestsPerMinute',
      max: 0,
    });
  });
});
