import { describe, expect, it } from 'vitest';
import { CircuitBreaker, type CircuitChange } from './circuit-breaker';
import { ManualClock } from './testing/manual-clock';

function breakerWithLog(options: { failureThreshold?: number; cooldownMs?: number } = {}) {
  const clock = new ManualClock();
  const changes: CircuitChange[] = [];
  const breaker = new CircuitBreaker({
    failureThreshold: 3,
    cooldownMs: 1_000,
    ...options,
    clock,
    onChange: (change) => changes.push(change),
  });
  const fail = () => {
    const admission = breaker.tryAcquire();
    if (!admission.admitted) throw new Error(`not admitted: ${admission.reason}`);
    admission.permit.failure('server_error: 503');
  };
  return { clock, breaker, changes, fail };
}

describe('CircuitBreaker', () => {
  it('opens after failureThreshold consecutive failures, with the reason', () => {
    const { breaker, changes, fail } = breakerWithLog();
    fail();
    fail();
    expect(breaker.state).toBe('closed');
    fail();
    expect(breaker.state).toBe('open');
    expect(changes).toEqual([
      {
        from: 'closed',
        to: 'open',
        reason: '3 consecutive retryable failures (last: server_error: 503)',
      },
    ]);
  });

  it('counts only consecutive failures: a success resets the count, a released permit does not count', () => {
    const { breaker, fail } = breakerWithLog();
    fail();
    fail();
    const ok = breaker.tryAcquire();
    if (ok.admitted) ok.permit.success();
    fail();
    fail();
    const neutral = breaker.tryAcquire();
    if (neutral.admitted) neutral.permit.release();
    expect(breaker.state).toBe('closed');
  });

  it('fails fast while open and says when a probe is let through', async () => {
    const { clock, breaker, fail } = breakerWithLog();
    fail();
    fail();
    fail();
    await clock.advance(400);
    const admission = breaker.tryAcquire();
    expect(admission).toEqual({
      admitted: false,
      reason: expect.stringMatching(
        /^open: 3 consecutive .*; a probe call is let through in 600 ms$/,
      ),
    });
  });

  it('lets a single probe through after the cooldown and closes when it succeeds', async () => {
    const { clock, breaker, changes, fail } = breakerWithLog();
    for (let i = 0; i < 3; i += 1) fail();
    await clock.advance(1_000);
    const probe = breaker.tryAcquire();
    expect(probe).toMatchObject({ admitted: true, permit: { probe: true } });
    expect(breaker.state).toBe('half-open');
    expect(breaker.tryAcquire()).toMatchObject({
      admitted: false,
      reason: expect.stringContaining('probe call is in flight'),
    });
    if (probe.admitted) probe.permit.success();
    expect(breaker.state).toBe('closed');
    expect(changes.map(({ from, to, reason }) => `${from}→${to}: ${reason}`)).toEqual([
      'closed→open: 3 consecutive retryable failures (last: server_error: 503)',
      'open→half-open: cooldown of 1000 ms elapsed',
      'half-open→closed: probe call succeeded',
    ]);
  });

  it('reopens for another cooldown when the probe fails', async () => {
    const { clock, breaker, changes, fail } = breakerWithLog();
    for (let i = 0; i < 3; i += 1) fail();
    await clock.advance(1_000);
    fail();
    expect(breaker.state).toBe('open');
    expect(changes.at(-1)).toEqual({
      from: 'half-open',
      to: 'open',
      reason: 'probe call failed (server_error: 503)',
    });
    await clock.advance(999);
    expect(breaker.tryAcquire().admitted).toBe(false);
    await clock.advance(1);
    expect(breaker.tryAcquire().admitted).toBe(true);
  });

  it('stays half-open when the probe ends with an outcome that says nothing about the endpoint', async () => {
    const { clock, breaker, fail } = breakerWithLog();
    for (let i = 0; i < 3; i += 1) fail();
    await clock.advance(1_000);
    const probe = breaker.tryAcquire();
    if (probe.admitted) probe.permit.release();
    expect(breaker.state).toBe('half-open');
    expect(breaker.tryAcquire()).toMatchObject({ admitted: true, permit: { probe: true } });
  });

  it('ignores outcomes of calls admitted before the last transition', () => {
    const { breaker, fail } = breakerWithLog({ failureThreshold: 1 });
    const early = breaker.tryAcquire();
    fail();
    expect(breaker.state).toBe('open');
    if (early.admitted) early.permit.success();
    expect(breaker.state).toBe('open');
  });

  it.each([
    [{ failureThreshold: 0 }, /breaker\.failureThreshold is 0\. Give a whole number/],
    [{ failureThreshold: 2.5 }, /breaker\.failureThreshold is 2\.5/],
    [{ cooldownMs: -1 }, /breaker\.cooldownMs is -1\. Give a number of milliseconds/],
  ])('rejects %o with definition.invalid_option', (options, message) => {
    expect(() => new CircuitBreaker({ ...options, clock: new ManualClock() })).toThrow(message);
  });
});
