import { describe, expect, it } from 'vitest';
import { sleep } from '../clock/clock';
import type { ModelErrorKind } from '../model/model-call-error';
import { createReliabilityPolicy } from './create-reliability-policy';
import { capture } from './testing/capture';
import { FakeChatModel, failThenAnswer, modelError, okResponse } from './testing/fake-chat-model';
import { ManualClock } from './testing/manual-clock';
import type { ReliabilityEvent, ReliabilityPolicyOptions } from './types';

const request = { messages: [{ role: 'user' as const, content: 'hi' }] };

function setup(options: ReliabilityPolicyOptions = {}) {
  const clock = new ManualClock();
  const policy = createReliabilityPolicy({
    clock,
    random: () => 0.5,
    breaker: { failureThreshold: 2, cooldownMs: 10_000 },
    ...options,
  });
  const primary = new FakeChatModel({ endpoint: 'fake:primary', modelName: 'big' });
  const secondary = new FakeChatModel({ endpoint: 'fake:secondary', modelName: 'small' });
  const events: ReliabilityEvent[] = [];
  policy.on('breaker.change', (event) => events.push(event));
  policy.on('fallback', (event) => events.push(event));
  const call = (models = [primary, secondary]) =>
    capture(policy.call({ models, request, signal: new AbortController().signal }), clock);
  /** Opens the primary's breaker with two failed single-model calls. */
  const openPrimary = async () => {
    primary.behaviour = () => {
      throw modelError('server_error');
    };
    for (let i = 0; i < 2; i += 1) {
      const outcome = call([primary]);
      await clock.runAll();
      await outcome;
    }
    expect(policy.status('fake:primary').breaker).toBe('open');
  };
  return { clock, policy, primary, secondary, events, call, openPrimary };
}

const transitions = (events: ReliabilityEvent[]) =>
  events.flatMap((event) =>
    event.type === 'breaker.change' ? [`${event.from}→${event.to}: ${event.reason}`] : [],
  );

describe('createReliabilityPolicy: circuit breaker and fallback', () => {
  it('opens after the threshold and then fails fast with circuit_open, without calling the model', async () => {
    const { clock, call, primary, openPrimary } = setup({ maxAttempts: 1 });
    await openPrimary();
    const outcome = call([primary]);
    const result = await outcome;
    expect(result).toMatchObject({
      ok: false,
      at: 0,
      error: { kind: 'circuit_open', endpoint: 'fake:primary' },
    });
    expect((result as { error: Error }).error.message).toMatch(
      /^The circuit breaker open: 2 consecutive retryable failures .* a probe call is let through in 10000 ms, so the call to fake:primary failed fast/,
    );
    expect(primary.calls).toBe(2);
    expect(clock.pendingTimers).toBe(0);
  });

  it('goes to the next model while the breaker is open', async () => {
    const { call, primary, secondary, events, openPrimary } = setup({ maxAttempts: 1 });
    await openPrimary();
    const result = await call();
    expect(result).toMatchObject({ ok: true, value: { model: secondary, attempts: 1 } });
    expect(primary.calls).toBe(2);
    expect(events.at(-1)).toMatchObject({
      type: 'fallback',
      from: 'fake:primary',
      to: 'fake:secondary',
      reason: expect.stringMatching(/^circuit breaker open: 2 consecutive/),
    });
  });

  it('falls back at once when a failure opens the breaker in the middle of a call', async () => {
    const { clock, call, primary, secondary } = setup();
    primary.behaviour = () => {
      throw modelError('server_error');
    };
    const outcome = call();
    await clock.runAll();
    expect(await outcome).toMatchObject({
      ok: true,
      at: 250,
      value: { model: secondary, attempts: 3 },
    });
    expect(primary.calls).toBe(2);
  });

  it('lets one probe through after the cooldown; its success closes the breaker', async () => {
    const { clock, call, primary, events, openPrimary } = setup({ maxAttempts: 1 });
    await openPrimary();
    await clock.advance(10_000);
    primary.behaviour = () => okResponse();
    expect(await call()).toMatchObject({ ok: true, value: { model: primary } });
    expect(transitions(events)).toEqual([
      'closed→open: 2 consecutive retryable failures (last: server_error: simulated server_error)',
      'open→half-open: cooldown of 10000 ms elapsed',
      'half-open→closed: probe call succeeded',
    ]);
  });

  it('reopens when the probe fails, and that call falls back', async () => {
    const { clock, call, primary, secondary, events, policy, openPrimary } = setup({
      maxAttempts: 1,
    });
    await openPrimary();
    await clock.advance(10_000);
    expect(await call()).toMatchObject({ ok: true, value: { model: secondary } });
    expect(primary.calls).toBe(3);
    expect(policy.status('fake:primary').breaker).toBe('open');
    expect(transitions(events).at(-1)).toBe(
      'half-open→open: probe call failed (server_error: simulated server_error)',
    );
  });

  it('sends others to the fallback while the single probe is in flight', async () => {
    const { clock, call, primary, secondary, openPrimary } = setup({ maxAttempts: 1 });
    await openPrimary();
    await clock.advance(10_000);
    primary.behaviour = async ({ options }) => {
      await sleep(clock, 1_000, options.signal);
      return okResponse();
    };
    const probe = call();
    const other = call();
    await clock.runAll();
    expect(await probe).toMatchObject({ ok: true, at: 11_000, value: { model: primary } });
    expect(await other).toMatchObject({ ok: true, at: 10_000, value: { model: secondary } });
    expect(primary.calls).toBe(3);
  });

  it.each<ModelErrorKind>(['not_found', 'authentication', 'permission', 'quota_exhausted'])(
    'falls back after %s, an error of the endpoint, without retrying it',
    async (kind) => {
      const { call, primary, secondary, events } = setup();
      primary.behaviour = failThenAnswer(modelError(kind));
      expect(await call()).toMatchObject({ ok: true, value: { model: secondary, attempts: 2 } });
      expect(primary.calls).toBe(1);
      expect(events).toMatchObject([{ type: 'fallback', reason: `${kind}: simulated ${kind}` }]);
    },
  );

  it.each<ModelErrorKind>(['bad_request', 'context_length'])(
    'does not fall back after %s: the next model would get the same request',
    async (kind) => {
      const { call, primary, secondary } = setup();
      primary.behaviour = failThenAnswer(modelError(kind));
      expect(await call()).toMatchObject({ ok: false, error: { kind } });
      expect(secondary.calls).toBe(0);
    },
  );

  it('does not count fatal errors against the endpoint: a 400 says nothing about its health', async () => {
    const { call, primary, policy } = setup();
    primary.behaviour = () => {
      throw modelError('bad_request');
    };
    for (let i = 0; i < 10; i += 1) await call([primary]);
    expect(policy.status('fake:primary')).toEqual({ breaker: 'closed', retryTokens: 10 });
  });

  it('throws the last model’s error when every model of the chain is unavailable', async () => {
    const { clock, call, primary, secondary, openPrimary } = setup({ maxAttempts: 1 });
    await openPrimary();
    secondary.behaviour = failThenAnswer(modelError('quota_exhausted'));
    const outcome = call();
    await clock.runAll();
    expect(await outcome).toMatchObject({
      ok: false,
      error: { kind: 'quota_exhausted', endpoint: undefined },
    });
    expect(primary.calls).toBe(2);
  });

  it('keeps one breaker per endpoint: an outage of one leaves the other closed', async () => {
    const { policy, openPrimary } = setup({ maxAttempts: 1 });
    await openPrimary();
    expect(policy.status('fake:secondary')).toEqual({ breaker: 'closed', retryTokens: 10 });
  });

  it('never opens with breaker: false', async () => {
    const { call, primary, policy } = setup({ breaker: false, maxAttempts: 1 });
    primary.behaviour = () => {
      throw modelError('server_error');
    };
    for (let i = 0; i < 20; i += 1) await call([primary]);
    expect(policy.status('fake:primary').breaker).toBe('closed');
    expect(primary.calls).toBe(20);
  });
});
