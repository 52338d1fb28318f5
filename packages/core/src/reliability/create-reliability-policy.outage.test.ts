import { describe, expect, it } from 'vitest';
import { sleep } from '../clock/clock';
import { createReliabilityPolicy } from './create-reliability-policy';
import { capture } from './testing/capture';
import { FakeChatModel, modelError, okResponse } from './testing/fake-chat-model';
import { ManualClock } from './testing/manual-clock';
import type { ReliabilityEvent, ReliabilityPolicyOptions } from './types';

const request = { messages: [{ role: 'user' as const, content: 'hi' }] };
const logicalCalls = 100;

/**
 * An endpoint that answers 503 to everything while `down`, after 200 ms on the manual clock,
 * and 100 concurrent logical calls against it.
 */
function outage(options: ReliabilityPolicyOptions = {}) {
  const clock = new ManualClock();
  const policy = createReliabilityPolicy({ clock, random: () => 0.5, ...options });
  const state = { down: true };
  const model = new FakeChatModel({
    endpoint: 'fake:flaky',
    behaviour: async ({ options: { signal } }) => {
      await sleep(clock, 200, signal);
      if (state.down) throw modelError('server_error', { status: 503 });
      return okResponse();
    },
  });
  const events: ReliabilityEvent[] = [];
  policy.on('breaker.change', (event) => events.push(event));
  policy.on('budget.exhausted', (event) => events.push(event));
  const burst = async (count = logicalCalls) => {
    const outcomes = Array.from({ length: count }, () =>
      capture(
        policy.call({ models: [model], request, signal: new AbortController().signal }),
        clock,
      ),
    );
    await clock.runAll();
    return Promise.all(outcomes);
  };
  return { clock, policy, model, state, events, burst };
}

describe('createReliabilityPolicy: a full outage', () => {
  it('costs at most 1.2 attempts per logical call, then recovers and closes the breaker', async () => {
    const { clock, policy, model, state, events, burst } = outage();

    const failed = await burst();
    expect(failed.every((outcome) => !outcome.ok)).toBe(true);
    expect(model.calls / logicalCalls).toBeLessThanOrEqual(1.2);
    expect(policy.status('fake:flaky')).toEqual({ breaker: 'open', retriesAllowed: 0 });
    expect(clock.pendingTimers).toBe(0);

    state.down = false;
    await clock.advance(30_000);
    const probe = await burst(1);
    expect(probe[0]).toMatchObject({ ok: true });
    const recovered = await burst();
    expect(recovered.every((outcome) => outcome.ok)).toBe(true);
    expect(policy.status('fake:flaky').breaker).toBe('closed');
    expect(
      events.flatMap((event) =>
        event.type === 'breaker.change' ? [`${event.from}→${event.to}`] : [],
      ),
    ).toEqual(['closed→open', 'open→half-open', 'half-open→closed']);
    // The outage has left the window: the budget allows 20% of the new traffic (101 calls).
    expect(policy.status('fake:flaky').retriesAllowed).toBe(20);
  });

  it('says in retryAfterMs when the open breaker lets a probe through, as a Retry-After for the caller', async () => {
    const { clock, burst } = outage();
    await burst();
    await clock.advance(10_000);
    const [failedFast] = await burst(1);
    if (failedFast?.ok !== false) throw new Error('expected the call to fail fast');
    // Before: the wait was only in the message ("a probe call is let through in 19800 ms"),
    // so a route answering 503 had to parse it for its Retry-After.
    const inMessage = /a probe call is let through in (\d+) ms/.exec(String(failedFast.error))?.[1];
    expect(failedFast.error).toMatchObject({
      code: 'model.circuit_open',
      retryAfterMs: Number(inMessage),
    });
    expect(Number(inMessage)).toBeGreaterThan(0);
    expect(Number(inMessage)).toBeLessThanOrEqual(20_000);
  });

  it('stays under 1.2× on the retry budget alone, with the breaker off', async () => {
    const { model, events, burst } = outage({ breaker: false });
    await burst();
    expect(model.calls / logicalCalls).toBeLessThanOrEqual(1.2);
    expect(events.find((event) => event.type === 'budget.exhausted')).toMatchObject({
      endpoint: 'fake:flaky',
      reason: expect.stringMatching(
        /^retry after server_error: .* refused: the retry budget of fake:flaky is spent \(20 retries against 100 calls in flight or ended within its window, the most it allows is 20\)$/,
      ),
    });
  });

  it('stays under 1.2× on the breaker alone, with the retry budget off', async () => {
    const { model, burst } = outage({ retryBudget: false });
    await burst();
    expect(model.calls / logicalCalls).toBeLessThanOrEqual(1.2);
  });

  it('stays under 1.2× when the calls come in waves rather than all at once', async () => {
    const { clock, model, burst } = outage({ breaker: false });
    for (let wave = 0; wave < 10; wave += 1) {
      await burst(10);
      await clock.advance(1_000);
    }
    expect(model.calls / logicalCalls).toBeLessThanOrEqual(1.2);
  });

  it('needs its window: a budget counting calls only while in flight, as Envoy does, lets waves cost more than 1.2×', async () => {
    // A 1 ms window forgets a call as soon as it ends: the budget sees only the calls in
    // flight, and each wave of 10 failing calls gets the minimum of 3 retries afresh.
    const { clock, model, burst } = outage({ breaker: false, retryBudget: { windowMs: 1 } });
    for (let wave = 0; wave < 10; wave += 1) {
      await burst(10);
      await clock.advance(1_000);
    }
    expect(model.calls / logicalCalls).toBeGreaterThan(1.2);
  });

  it('would cost maxAttempts times the calls without the budget and the breaker', async () => {
    const { model, burst } = outage({ breaker: false, retryBudget: false });
    await burst();
    expect(model.calls / logicalCalls).toBe(3);
  });
});
