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
    breaker: { minimumRequests: 2, cooldownMs: 10_000 },
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
      /^The call to fake:primary failed fast without reaching it: the circuit breaker of fake:primary is open after 100% of requests failed .* a probe call is let through in 10000 ms\. Add a fallback model/,
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
      reason: expect.stringMatching(/^circuit breaker open after 100% of requests failed/),
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

  it('says the breaker blocked the retry when a failure opened it, not that the call can be retried (issue 9)', async () => {
    const { clock, call, primary } = setup();
    primary.behaviour = () => {
      throw modelError('server_error', { status: 503 });
    };
    const outcome = call([primary]);
    await clock.runAll();
    const result = await outcome;
    expect(result).toMatchObject({
      ok: false,
      error: { kind: 'circuit_open', endpoint: 'fake:primary', cause: { kind: 'server_error' } },
    });
    expect((result as { error: Error }).error.message).toMatch(
      /^All 2 attempts on fake:primary failed, the last with server_error: simulated server_error; no retry was sent because the circuit breaker of fake:primary is open after 100% of requests failed .*\. Add a fallback model to `models`, or call again once the breaker has closed\.$/,
    );
    expect(primary.calls).toBe(2);
  });

  it('says the breaker blocked the retry when it opened during the backoff (issue 9)', async () => {
    const { clock, call, primary } = setup({ breaker: { minimumRequests: 2, cooldownMs: 10_000 } });
    primary.behaviour = async ({ index, options }) => {
      // The first call fails at 0; the second fails at 100, during the first one's backoff.
      if (index === 1) await sleep(clock, 100, options.signal);
      throw modelError('server_error');
    };
    const first = call([primary]);
    const second = call([primary]);
    await clock.runAll();
    expect(await second).toMatchObject({ ok: false, error: { kind: 'circuit_open' } });
    const result = await first;
    expect(result).toMatchObject({
      ok: false,
      at: 250,
      error: { kind: 'circuit_open', cause: { kind: 'server_error' } },
    });
    expect((result as { error: Error }).error.message).toMatch(
      /^The attempt on fake:primary failed with server_error: simulated server_error; no retry was sent because the circuit breaker of fake:primary is open after/,
    );
    expect(primary.calls).toBe(2);
  });

  it('falls back when the primary exhausts its retryable attempts with its breaker closed (issue 9)', async () => {
    const { clock, call, primary, secondary, events, policy } = setup({ breaker: false });
    primary.behaviour = () => {
      throw modelError('server_error', { status: 503 });
    };
    const outcome = call();
    await clock.runAll();
    expect(await outcome).toMatchObject({ ok: true, value: { model: secondary, attempts: 4 } });
    expect(primary.calls).toBe(3);
    expect(secondary.calls).toBe(1);
    expect(policy.status('fake:primary').breaker).toBe('closed');
    expect(events).toMatchObject([
      {
        type: 'fallback',
        from: 'fake:primary',
        to: 'fake:secondary',
        reason: '3 attempt(s) failed (last: server_error: simulated server_error)',
      },
    ]);
  });

  it('says the attempts are spent when the last model exhausts them, keeping the kind and status', async () => {
    const { clock, call, primary } = setup({ breaker: false });
    primary.behaviour = () => {
      throw modelError('server_error', { status: 503, endpoint: 'fake:primary' });
    };
    const outcome = call([primary]);
    await clock.runAll();
    const result = await outcome;
    expect(result).toMatchObject({
      ok: false,
      error: { kind: 'server_error', status: 503, cause: { kind: 'server_error' } },
    });
    expect((result as { error: Error }).error.message).toBe(
      'All 3 attempts on fake:primary failed, the last with server_error: simulated server_error; maxAttempts (3) allows no more. Add a fallback model to `models`, or raise maxAttempts.',
    );
  });

  it('goes on from an adapter message that ends in a full stop without doubling the punctuation', async () => {
    const { clock, call, primary } = setup({ breaker: false });
    primary.behaviour = () => {
      throw modelError('connection', { message: 'Connection error. It can be retried.' });
    };
    const outcome = call([primary]);
    await clock.runAll();
    const { message } = ((await outcome) as { error: Error }).error;
    // Before: "… It can be retried.; maxAttempts (3) allows no more."
    expect(message).toContain('It can be retried; maxAttempts (3) allows no more.');
    expect(message).not.toMatch(/\.[;.]/);
  });

  it('falls back when the retry budget refuses the primary a retry, and says so when no model is left', async () => {
    const { clock, call, primary, secondary, policy } = setup({
      breaker: false,
      retryBudget: { ratio: 0, minRetries: 0 },
    });
    const refusals: ReliabilityEvent[] = [];
    policy.on('budget.exhausted', (event) => refusals.push(event));
    primary.behaviour = () => {
      throw modelError('rate_limited', { status: 429 });
    };
    const fellBack = call();
    await clock.runAll();
    expect(await fellBack).toMatchObject({ ok: true, value: { model: secondary, attempts: 2 } });
    expect(primary.calls).toBe(1);

    const alone = call([primary]);
    await clock.runAll();
    const result = await alone;
    expect(result).toMatchObject({ ok: false, error: { kind: 'rate_limited', status: 429 } });
    expect((result as { error: Error }).error.message).toMatch(
      /^The attempt on fake:primary failed with rate_limited: simulated rate_limited; no retry was sent because the retry budget of fake:primary is spent \(0 retries against 2 calls in flight or ended within its window, the most it allows is 0\): retries are capped at a share of recent calls/,
    );
    // Before: "many calls are failing at once", said as well to a quiet process whose calls
    // had each failed once, one after another.
    expect((result as { error: Error }).error.message).not.toContain('at once');
    expect((result as { error: Error }).error.message).toContain('raise retryBudget.minRetries');
    expect(refusals).toMatchObject([
      { endpoint: 'fake:primary', retries: 0, calls: 1 },
      { endpoint: 'fake:primary', retries: 0, calls: 2 },
    ]);
  });

  it('lets one probe through after the cooldown; its success closes the breaker', async () => {
    const { clock, call, primary, events, openPrimary } = setup({ maxAttempts: 1 });
    await openPrimary();
    await clock.advance(10_000);
    primary.behaviour = () => okResponse();
    expect(await call()).toMatchObject({ ok: true, value: { model: primary } });
    expect(transitions(events)).toEqual([
      'closed→open: 100% of requests failed in the last 10000 ms (2 failed, 0 succeeded, 0 in flight; threshold 50%); last: server_error: simulated server_error',
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
    expect(policy.status('fake:primary')).toEqual({ breaker: 'closed', retriesAllowed: 3 });
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

  it('goes to the next model when the endpoint asks for a wait longer than maxRetryAfterMs or the deadline leaves', async () => {
    const { clock, call, primary, secondary, events } = setup({
      maxRetryAfterMs: 60_000,
      deadlineMs: 10_000,
      breaker: false,
    });
    primary.behaviour = () => {
      throw modelError('rate_limited', { status: 429, retryAfterMs: 120_000 });
    };
    const tooLong = call();
    await clock.runAll();
    expect(await tooLong).toMatchObject({ ok: true, at: 0, value: { model: secondary } });
    expect(events.at(-1)).toMatchObject({
      type: 'fallback',
      from: 'fake:primary',
      to: 'fake:secondary',
      reason: expect.stringMatching(/^retry_hint_too_long: .* asked to retry after 120000 ms/),
    });

    primary.behaviour = () => {
      throw modelError('rate_limited', { status: 429, retryAfterMs: 20_000 });
    };
    const pastDeadline = call();
    await clock.runAll();
    expect(await pastDeadline).toMatchObject({ ok: true, value: { model: secondary } });
    expect(events.at(-1)).toMatchObject({
      type: 'fallback',
      reason: expect.stringMatching(/^deadline_exceeded: /),
    });
    expect(primary.calls).toBe(2);
    expect(secondary.calls).toBe(2);
    // With no model left, the error is still the one that says why this endpoint stopped.
    expect(await call([primary])).toMatchObject({
      ok: false,
      error: { kind: 'deadline_exceeded', cause: { kind: 'rate_limited' } },
    });
  });

  it('says what became of every model of the chain when none answered, not only the last', async () => {
    const { clock, call, primary, secondary } = setup({ maxAttempts: 1, breaker: false });
    primary.behaviour = () => {
      throw modelError('server_error', { status: 503 });
    };
    secondary.behaviour = () => {
      throw modelError('bad_request', { status: 400 });
    };
    const outcome = call();
    await clock.runAll();
    const result = await outcome;
    expect(result).toMatchObject({
      ok: false,
      error: { kind: 'bad_request', status: 400, cause: { kind: 'bad_request' } },
    });
    expect((result as { error: Error }).error.message).toMatch(
      /^None of the 2 models of the chain answered\. fake:primary gave up: 1 attempt\(s\) failed \(last: server_error: simulated server_error\)\. Then the last, .*simulated bad_request/,
    );
  });

  it('says the chain stopped short, not that none of its models answered, when a fatal error ends it before its last model', async () => {
    const { clock, call, primary, secondary } = setup({ maxAttempts: 1, breaker: false });
    const third = new FakeChatModel({ endpoint: 'fake:third', modelName: 'tiny' });
    primary.behaviour = () => {
      throw modelError('server_error', { status: 503 });
    };
    secondary.behaviour = () => {
      throw modelError('bad_request', { status: 400 });
    };
    const outcome = call([primary, secondary, third]);
    await clock.runAll();
    const result = await outcome;
    expect(result).toMatchObject({ ok: false, error: { kind: 'bad_request', status: 400 } });
    const { message } = (result as { error: Error }).error;
    // Two of three models were tried: "None of the 2 models of the chain" miscounted the chain
    // and hid that fake:third was never asked.
    expect(message).not.toMatch(/None of the/);
    expect(message).toMatch(
      /^The call stopped at model 2 of the chain's 3, before fake:third was tried\. fake:primary gave up: .*\. Then fake:secondary: .*simulated bad_request/,
    );
    expect(third.calls).toBe(0);
  });

  it('keeps one breaker per endpoint: an outage of one leaves the other closed', async () => {
    const { policy, openPrimary } = setup({ maxAttempts: 1 });
    await openPrimary();
    expect(policy.status('fake:secondary')).toEqual({ breaker: 'closed', retriesAllowed: 3 });
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
