import { describe, expect, it } from 'vitest';
import { createReliabilityPolicy } from './create-reliability-policy';
import { capture } from './testing/capture';
import { FakeChatModel, okResponse } from './testing/fake-chat-model';
import { ManualClock } from './testing/manual-clock';
import type { ReliabilityEvent, ReliabilityPolicyOptions } from './types';

const request = { messages: [{ role: 'user' as const, content: 'hi' }] };

function setup(options: ReliabilityPolicyOptions) {
  const clock = new ManualClock();
  const policy = createReliabilityPolicy({ clock, random: () => 0.5, ...options });
  const startedAt: number[] = [];
  const model = new FakeChatModel({
    behaviour: () => {
      startedAt.push(clock.now());
      return okResponse('ok', { inputTokens: 600, outputTokens: 400 });
    },
  });
  const waits: ReliabilityEvent<'limiter.wait'>[] = [];
  policy.on('limiter.wait', (event) => waits.push(event));
  const call = (estimatedInputTokens?: number, signal = new AbortController().signal) =>
    capture(policy.call({ models: [model], request, signal, estimatedInputTokens }), clock);
  return { clock, policy, model, startedAt, waits, call };
}

describe('createReliabilityPolicy: rate limiter', () => {
  it('spaces requests beyond requestsPerMinute, across every call sharing the policy', async () => {
    const { clock, call, startedAt, waits } = setup({
      rateLimit: { requestsPerMinute: 2, maxWaitMs: 120_000 },
    });
    const outcomes = [call(), call(), call(), call()];
    await clock.runAll();
    expect((await Promise.all(outcomes)).every((outcome) => outcome.ok)).toBe(true);
    expect(startedAt).toEqual([0, 0, 30_000, 60_000]);
    expect(waits.map(({ endpoint, delayMs, reason }) => ({ endpoint, delayMs, reason }))).toEqual([
      { endpoint: 'fake:primary', delayMs: 30_000, reason: '2 requests per minute reached' },
      { endpoint: 'fake:primary', delayMs: 60_000, reason: '2 requests per minute reached' },
    ]);
  });

  it('spaces calls by estimated tokens per minute', async () => {
    // 6000 tokens per minute refill 100 per second.
    const { clock, call, startedAt, waits } = setup({ rateLimit: { tokensPerMinute: 6_000 } });
    const outcomes = [call(4_000), call(4_000)];
    await clock.runAll();
    await Promise.all(outcomes);
    expect(startedAt).toEqual([0, 20_000]);
    expect(waits).toMatchObject([
      { delayMs: 20_000, reason: '6000 tokens per minute reached (this call needs 4000)' },
    ]);
  });

  it('gives back what an estimate overcharged, once the usage is known', async () => {
    // Each call reports 1000 tokens used.
    const { clock, call, startedAt } = setup({ rateLimit: { tokensPerMinute: 6_000 } });
    await call(6_000);
    const next = call(5_000);
    await clock.runAll();
    await next;
    expect(startedAt).toEqual([0, 0]);
  });

  it('charges what an estimate missed, making the next call wait', async () => {
    // 1500 tokens per minute refill 25 per second; the first call estimates 100 and uses 1000.
    const { clock, call, startedAt } = setup({ rateLimit: { tokensPerMinute: 1_500 } });
    await call(100);
    const next = call(1_000);
    await clock.runAll();
    await next;
    expect(startedAt).toEqual([0, 20_000]);
  });

  it('fails with rate_limiter_timeout at once when capacity is further off than maxWaitMs', async () => {
    const { clock, call, model } = setup({ rateLimit: { requestsPerMinute: 1, maxWaitMs: 1_000 } });
    const first = call();
    const second = call();
    await clock.runAll();
    expect(await first).toMatchObject({ ok: true });
    expect(await second).toMatchObject({
      ok: false,
      at: 0,
      error: { kind: 'rate_limiter_timeout' },
    });
    expect(model.calls).toBe(1);
  });

  it('fails with deadline_exceeded at once when capacity comes after the deadline', async () => {
    const { clock, call } = setup({
      deadlineMs: 10_000,
      rateLimit: { requestsPerMinute: 1, maxWaitMs: 120_000 },
    });
    const first = call();
    const second = call();
    await clock.runAll();
    await first;
    expect(await second).toMatchObject({ ok: false, at: 0, error: { kind: 'deadline_exceeded' } });
  });

  it('gives the capacity back when the caller aborts while waiting', async () => {
    const { clock, call, startedAt } = setup({
      rateLimit: { requestsPerMinute: 1, maxWaitMs: 120_000 },
    });
    await call();
    const caller = new AbortController();
    const waiting = call(undefined, caller.signal);
    await clock.advance(5_000);
    caller.abort();
    expect(await waiting).toMatchObject({ ok: false, at: 5_000, error: { kind: 'aborted' } });
    expect(clock.pendingTimers).toBe(0);
    const next = call();
    await clock.runAll();
    await next;
    expect(startedAt).toEqual([0, 60_000]);
  });

  it('applies rateLimitByEndpoint to its endpoint only', async () => {
    const clock = new ManualClock();
    const policy = createReliabilityPolicy({
      clock,
      rateLimitByEndpoint: { 'fake:limited': { requestsPerMinute: 1, maxWaitMs: 0 } },
    });
    const limited = new FakeChatModel({ endpoint: 'fake:limited' });
    const free = new FakeChatModel({ endpoint: 'fake:free' });
    const signal = new AbortController().signal;
    for (let i = 0; i < 3; i += 1) await policy.call({ models: [free], request, signal });
    await policy.call({ models: [limited], request, signal });
    await expect(policy.call({ models: [limited], request, signal })).rejects.toMatchObject({
      kind: 'rate_limiter_timeout',
    });
    expect(free.calls).toBe(3);
  });
});
