import { describe, expect, it } from 'vitest';
import { CircuitBreaker, type CircuitChange } from './circuit-breaker';
import { ManualClock } from './testing/manual-clock';
import type { CircuitBreakerOptions } from './types';

function breakerWithLog(options: CircuitBreakerOptions = {}) {
  const clock = new ManualClock();
  const changes: CircuitChange[] = [];
  const breaker = new CircuitBreaker({
    minimumRequests: 4,
    failureRateThreshold: 0.5,
    cooldownMs: 1_000,
    ...options,
    clock,
    onChange: (change) => changes.push(change),
  });
  const admit = () => {
    const admission = breaker.tryAcquire();
    if (!admission.admitted) throw new Error(`not admitted: ${admission.reason}`);
    return admission.permit;
  };
  const fail = () => admit().failure('server_error: 503');
  const succeed = () => admit().success();
  return { clock, breaker, changes, admit, fail, succeed };
}

describe('CircuitBreaker', () => {
  it('opens once minimumRequests have ended and the failure rate reaches the threshold, with the reason', () => {
    const { breaker, changes, fail, succeed } = breakerWithLog();
    succeed();
    succeed();
    fail();
    expect(breaker.state).toBe('closed');
    fail();
    expect(breaker.state).toBe('open');
    expect(changes).toEqual([
      {
        from: 'closed',
        to: 'open',
        reason:
          '50% of requests failed in the last 10000 ms (2 failed, 2 succeeded, 0 in flight; threshold 50%); last: server_error: 503',
      },
    ]);
  });

  it('never opens below minimumRequests, however many of them failed', () => {
    const { breaker, fail } = breakerWithLog({ minimumRequests: 20 });
    for (let i = 0; i < 19; i += 1) fail();
    expect(breaker.state).toBe('closed');
    fail();
    expect(breaker.state).toBe('open');
  });

  it('stays closed under a burst whose fast failures come back before the answers (issue 9)', () => {
    // 200 concurrent calls, 10% failing at once: the first 20 outcomes are all failures.
    const { breaker, admit } = breakerWithLog({ minimumRequests: 20 });
    const permits = Array.from({ length: 200 }, admit);
    for (const permit of permits.slice(0, 20)) permit.failure('connection: reset');
    expect(breaker.state).toBe('closed');
    for (const permit of permits.slice(20)) permit.success();
    expect(breaker.state).toBe('closed');
  });

  it('opens in an outage once the failures reach the threshold share of the requests sent', () => {
    const { breaker, admit } = breakerWithLog({ minimumRequests: 20 });
    const permits = Array.from({ length: 100 }, admit);
    for (const permit of permits.slice(0, 49)) permit.failure('server_error: 503');
    expect(breaker.state).toBe('closed');
    permits[49]?.failure('server_error: 503');
    expect(breaker.state).toBe('open');
  });

  it('opens in an outage that follows busy traffic, though the window still holds its successes', () => {
    // Before: 420 successes, then every request failed; at 300 failures the window's rate was
    // 41%, under the 50% threshold, and the breaker stayed closed through the outage.
    const { breaker, changes, fail, succeed } = breakerWithLog({ minimumRequests: 20 });
    for (let i = 0; i < 420; i += 1) succeed();
    for (let i = 0; i < 19; i += 1) fail();
    expect(breaker.state).toBe('closed');
    fail();
    expect(breaker.state).toBe('open');
    expect(changes.at(-1)?.reason).toBe(
      '20 calls failed in a row, none succeeded since (0 in flight; threshold 50% of 20 or more); last: server_error: 503',
    );
  });

  it('counts the failures in a row from the last success, and requests in flight against them', () => {
    const { breaker, admit, fail, succeed } = breakerWithLog({ minimumRequests: 20 });
    for (let i = 0; i < 100; i += 1) succeed();
    for (let i = 0; i < 19; i += 1) fail();
    succeed();
    for (let i = 0; i < 19; i += 1) fail();
    expect(breaker.state).toBe('closed');
    // 200 answers still on their way: 20 fast failures in a row are a burst, not an outage.
    const slow = Array.from({ length: 200 }, admit);
    fail();
    expect(breaker.state).toBe('closed');
    for (const permit of slow) permit.success();
    expect(breaker.state).toBe('closed');
  });

  it('stays closed while the failure rate is under the threshold', () => {
    const { breaker, fail, succeed } = breakerWithLog({ failureRateThreshold: 0.6 });
    for (let round = 0; round < 20; round += 1) {
      succeed();
      fail();
    }
    expect(breaker.state).toBe('closed');
  });

  it('forgets outcomes older than windowMs', async () => {
    const { clock, breaker, fail, succeed } = breakerWithLog({ windowMs: 10_000 });
    fail();
    fail();
    fail();
    await clock.advance(10_000);
    succeed();
    succeed();
    succeed();
    fail();
    // Four requests in the window, one failed: 25%.
    expect(breaker.state).toBe('closed');
  });

  it('does not count a released permit: a 400 or an abort says nothing about the endpoint', () => {
    const { breaker, admit, fail } = breakerWithLog();
    for (let i = 0; i < 10; i += 1) admit().release();
    fail();
    fail();
    fail();
    expect(breaker.state).toBe('closed');
  });

  it('fails fast while open and says when a probe is let through', async () => {
    const { clock, breaker, fail } = breakerWithLog();
    for (let i = 0; i < 4; i += 1) fail();
    await clock.advance(400);
    expect(breaker.tryAcquire()).toEqual({
      admitted: false,
      reason: expect.stringMatching(
        /^open after 100% of requests failed .*; a probe call is let through in 600 ms$/,
      ),
      probeInMs: 600,
    });
    expect(breaker.blockedReason()).toMatch(/in 600 ms$/);
  });

  it('lets a single probe through after the cooldown and closes when it succeeds', async () => {
    const { clock, breaker, changes, fail } = breakerWithLog();
    for (let i = 0; i < 4; i += 1) fail();
    await clock.advance(1_000);
    expect(breaker.blockedReason()).toBeUndefined();
    const probe = breaker.tryAcquire();
    expect(probe).toMatchObject({ admitted: true, permit: { probe: true } });
    expect(breaker.state).toBe('half-open');
    expect(breaker.tryAcquire()).toMatchObject({
      admitted: false,
      reason: expect.stringContaining('probe call is in flight'),
    });
    if (probe.admitted) probe.permit.success();
    expect(breaker.state).toBe('closed');
    expect(changes.map(({ from, to }) => `${from}→${to}`)).toEqual([
      'closed→open',
      'open→half-open',
      'half-open→closed',
    ]);
    expect(changes.slice(1).map(({ reason }) => reason)).toEqual([
      'cooldown of 1000 ms elapsed',
      'probe call succeeded',
    ]);
  });

  it('closes with a clean window: failures from before the outage do not count again', async () => {
    const { clock, breaker, fail } = breakerWithLog({ cooldownMs: 100 });
    for (let i = 0; i < 4; i += 1) fail();
    await clock.advance(100);
    const probe = breaker.tryAcquire();
    if (probe.admitted) probe.permit.success();
    fail();
    fail();
    fail();
    expect(breaker.state).toBe('closed');
  });

  it('lets a probe through within two cooldowns when the wall clock stepped back an hour meanwhile', async () => {
    const clock = new ManualClock(1_000_000_000);
    // The machine's clock, which NTP or a resumed VM may set back.
    let stepped = 0;
    const wall = {
      now: () => clock.now() + stepped,
      setTimeout: (callback: () => void, ms: number) => clock.setTimeout(callback, ms),
      clearTimeout: (handle: unknown) => clock.clearTimeout(handle),
    };
    const breaker = new CircuitBreaker({
      minimumRequests: 4,
      failureRateThreshold: 0.5,
      cooldownMs: 1_000,
      clock: wall,
      onChange: () => {},
    });
    for (let i = 0; i < 4; i += 1) {
      const admission = breaker.tryAcquire();
      if (admission.admitted) admission.permit.failure('server_error: 503');
    }
    expect(breaker.state).toBe('open');
    stepped = -3_600_000;
    await clock.advance(1_000);
    // The step is seen at this call: what passed since the last reading is not counted.
    expect(breaker.tryAcquire().admitted).toBe(false);
    await clock.advance(1_000);
    // Before: open for the hour the clock went back, every call failing fast meanwhile.
    expect(breaker.tryAcquire()).toMatchObject({ admitted: true, permit: { probe: true } });
  });

  it('reopens for another cooldown when the probe fails', async () => {
    const { clock, breaker, changes, fail } = breakerWithLog();
    for (let i = 0; i < 4; i += 1) fail();
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
    for (let i = 0; i < 4; i += 1) fail();
    await clock.advance(1_000);
    const probe = breaker.tryAcquire();
    if (probe.admitted) probe.permit.release();
    expect(breaker.state).toBe('half-open');
    expect(breaker.tryAcquire()).toMatchObject({ admitted: true, permit: { probe: true } });
  });

  it('ignores outcomes of calls admitted before the last transition', () => {
    const { breaker, admit, fail } = breakerWithLog({ minimumRequests: 1 });
    const early = admit();
    fail();
    expect(breaker.state).toBe('open');
    early.success();
    expect(breaker.state).toBe('open');
  });

  it('holds no timer, open or closed', async () => {
    const { clock, fail } = breakerWithLog();
    for (let i = 0; i < 4; i += 1) fail();
    expect(clock.pendingTimers).toBe(0);
  });

  it('never opens with minimumRequests: Infinity', () => {
    const { breaker, fail } = breakerWithLog({ minimumRequests: Number.POSITIVE_INFINITY });
    for (let i = 0; i < 100; i += 1) fail();
    expect(breaker.state).toBe('closed');
  });

  it.each<[CircuitBreakerOptions, RegExp]>([
    [{ failureRateThreshold: 0 }, /breaker\.failureRateThreshold is 0\. Give a share of failed/],
    [{ failureRateThreshold: 1.5 }, /breaker\.failureRateThreshold is 1\.5/],
    [{ failureRateThreshold: Number.NaN }, /breaker\.failureRateThreshold is NaN/],
    [{ minimumRequests: 0 }, /breaker\.minimumRequests is 0\. Give a whole number of requests/],
    [{ minimumRequests: 2.5 }, /breaker\.minimumRequests is 2\.5/],
    [{ windowMs: 0 }, /breaker\.windowMs is 0\. Give a positive number of milliseconds/],
    [{ windowMs: Number.POSITIVE_INFINITY }, /breaker\.windowMs is Infinity/],
    [{ cooldownMs: -1 }, /breaker\.cooldownMs is -1\. Give a number of milliseconds/],
    [{ cooldownMs: Number.POSITIVE_INFINITY }, /breaker\.cooldownMs is Infinity/],
    [
      { failureThreshold: 5 } as CircuitBreakerOptions,
      /breaker\.failureThreshold is no longer an option\. .* use failureRateThreshold/,
    ],
  ])('rejects %o with definition.invalid_option', (options, message) => {
    expect(() => new CircuitBreaker({ ...options, clock: new ManualClock() })).toThrow(
      expect.objectContaining({
        code: 'definition.invalid_option',
        message: expect.stringMatching(message),
      }),
    );
  });
});
