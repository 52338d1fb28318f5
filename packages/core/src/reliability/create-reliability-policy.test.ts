import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { type Clock, sleep, systemClock } from '../clock/clock';
import { DefinitionError } from '../errors/definition-error';
import { ModelCallError, type ModelErrorKind } from '../model/model-call-error';
import { createReliabilityPolicy } from './create-reliability-policy';
import { capture } from './testing/capture';
import {
  type FakeBehaviour,
  FakeChatModel,
  failThenAnswer,
  hangUntilAborted,
  modelError,
  okResponse,
} from './testing/fake-chat-model';
import { ManualClock } from './testing/manual-clock';
import type { ModelRetryInfo, ReliabilityEvent, ReliabilityPolicyOptions } from './types';

const request = { messages: [{ role: 'user' as const, content: 'hi' }] };

function setup(behaviour: FakeBehaviour, options: ReliabilityPolicyOptions = {}) {
  const clock = new ManualClock();
  const policy = createReliabilityPolicy({ clock, random: () => 0.5, ...options });
  const model = new FakeChatModel({ behaviour });
  const retries: ModelRetryInfo[] = [];
  const events: ReliabilityEvent[] = [];
  for (const type of ['attempt', 'retry', 'breaker.change', 'budget.exhausted'] as const) {
    policy.on(type, (event) => events.push(event));
  }
  const call = (signal = new AbortController().signal) =>
    capture(
      policy.call({ models: [model], request, signal, onRetry: (info) => retries.push(info) }),
      clock,
    );
  return { clock, policy, model, retries, events, call };
}

/** Fails every attempt with `kind` after `latencyMs` on the clock. */
function alwaysFail(clock: () => ManualClock, kind: ModelErrorKind, latencyMs = 0): FakeBehaviour {
  return async ({ options }) => {
    if (latencyMs > 0) await sleep(clock(), latencyMs, options.signal);
    throw modelError(kind);
  };
}

const retryableKinds: ModelErrorKind[] = [
  'rate_limited',
  'server_error',
  'timeout',
  'conflict',
  'connection',
  'malformed_response',
];
const fatalKinds: ModelErrorKind[] = [
  'bad_request',
  'context_length',
  'authentication',
  'permission',
  'not_found',
  'quota_exhausted',
  'circuit_open',
  'retry_hint_too_long',
  'deadline_exceeded',
  'rate_limiter_timeout',
  'aborted',
  'unknown',
];

describe('createReliabilityPolicy', () => {
  // Before: policy.on('*') and policy.on('breaker.changed') were accepted and never called, while
  // agent.events.on refuses a type nothing emits.
  it('refuses a listener of an event type the policy never emits, or one that is no function', () => {
    const policy = createReliabilityPolicy();
    expect(() => policy.on('breaker.changed' as never, () => {})).toThrow(
      expect.objectContaining({
        code: 'definition.invalid_option',
        message: expect.stringMatching(
          /"breaker\.changed" is not a reliability event type; did you mean 'breaker\.change'\?/,
        ),
      }),
    );
    expect(() => policy.on('*' as never, () => {})).toThrow(/Nothing emits it/);
    expect(() => policy.on('retry', 'log' as never)).toThrow(/the listener is the string "log"/);
    expect(typeof policy.on('breaker.change', () => {})).toBe('function');
  });

  describe('error taxonomy', () => {
    it.each(retryableKinds)('retries after %s and answers', async (kind) => {
      const { clock, call, model, retries } = setup(failThenAnswer(modelError(kind)));
      const outcome = call();
      await clock.runAll();
      expect(await outcome).toMatchObject({ ok: true, value: { attempts: 2, model } });
      expect(model.calls).toBe(2);
      expect(retries).toEqual([
        {
          endpoint: 'fake:primary',
          attempt: 1,
          delayMs: 250,
          reason: `${kind}: simulated ${kind}`,
        },
      ]);
    });

    it.each(fatalKinds)('sends no retry after %s and rethrows it', async (kind) => {
      const error = modelError(kind);
      const { clock, call, model, retries } = setup(failThenAnswer(error));
      const outcome = call();
      await clock.runAll();
      expect(await outcome).toMatchObject({ ok: false, error, at: 0 });
      expect(model.calls).toBe(1);
      expect(retries).toEqual([]);
    });

    it('treats an error that is not a ModelCallError as unknown and fatal, keeping it as cause', async () => {
      const bug = new TypeError('cannot read properties of undefined');
      const { clock, call, model } = setup(failThenAnswer(bug));
      const outcome = call();
      await clock.runAll();
      const result = await outcome;
      expect(result.ok).toBe(false);
      const error = (result as { error: ModelCallError }).error;
      expect(error).toBeInstanceOf(ModelCallError);
      expect(error).toMatchObject({ kind: 'unknown', endpoint: 'fake:primary', cause: bug });
      expect(error.message).toContain('make the adapter throw ModelCallError');
      expect(model.calls).toBe(1);
    });
  });

  describe('attempts and waits', () => {
    it.each([1, 3, 4, 6])(
      'makes at most maxAttempts (%i) attempts when every attempt fails',
      async (maxAttempts) => {
        let clock!: ManualClock;
        const env = setup(
          alwaysFail(() => clock, 'server_error'),
          { maxAttempts },
        );
        clock = env.clock;
        const outcome = env.call();
        await clock.runAll();
        expect(await outcome).toMatchObject({ ok: false, error: { kind: 'server_error' } });
        expect(env.model.calls).toBe(maxAttempts);
      },
    );

    it('waits exponential backoff with full jitter between attempts', async () => {
      const startedAt: number[] = [];
      let clock!: ManualClock;
      const env = setup(
        () => {
          startedAt.push(clock.now());
          throw modelError('server_error');
        },
        { baseDelayMs: 1_000, random: () => 0.5 },
      );
      clock = env.clock;
      const outcome = env.call();
      await clock.runAll();
      await outcome;
      expect(startedAt).toEqual([0, 500, 1_500]);
    });

    it('honours a retry hint: the wait measured on the clock is the hint', async () => {
      const startedAt: number[] = [];
      let clock!: ManualClock;
      const env = setup(({ index }) => {
        startedAt.push(clock.now());
        if (index === 0) throw modelError('rate_limited', { retryAfterMs: 2_000, status: 429 });
        return okResponse();
      });
      clock = env.clock;
      const outcome = env.call();
      await clock.runAll();
      expect(await outcome).toMatchObject({ ok: true });
      const waited = startedAt[1]! - startedAt[0]!;
      expect(waited).toBeGreaterThanOrEqual(1_800);
      expect(waited).toBeLessThanOrEqual(2_200);
      expect(env.events.find((event) => event.type === 'retry')).toMatchObject({
        delayMs: 2_000,
        delaySource: 'retry_hint',
      });
    });

    it('fails at once with retry_hint_too_long when the hint exceeds maxRetryAfterMs', async () => {
      const hint = modelError('rate_limited', { retryAfterMs: 120_000 });
      const { clock, call, model } = setup(failThenAnswer(hint), { maxRetryAfterMs: 60_000 });
      const outcome = call();
      await clock.runAll();
      expect(await outcome).toMatchObject({
        ok: false,
        at: 0,
        error: { kind: 'retry_hint_too_long', cause: hint },
      });
      expect(model.calls).toBe(1);
    });
  });

  describe('deadline and timeouts', () => {
    it('stops at deadlineMs across attempts with deadline_exceeded, aborting the attempt in flight', async () => {
      let clock!: ManualClock;
      const env = setup(
        alwaysFail(() => clock, 'server_error', 400),
        {
          deadlineMs: 1_000,
          maxAttempts: 10,
          baseDelayMs: 100,
          retryBudget: false,
        },
      );
      clock = env.clock;
      const outcome = env.call();
      await clock.runAll();
      const result = await outcome;
      expect(result).toMatchObject({ ok: false, at: 1_000, error: { kind: 'deadline_exceeded' } });
      expect((result as { error: ModelCallError }).error.cause).toMatchObject({
        kind: 'server_error',
      });
      expect(env.model.calls).toBe(3);
      expect(env.model.signals[2]?.aborted).toBe(true);
      expect(clock.pendingTimers).toBe(0);
    });

    it('fails at once when the next wait would pass the deadline', async () => {
      const { clock, call, model } = setup(
        failThenAnswer(modelError('rate_limited', { retryAfterMs: 5_000 })),
        {
          deadlineMs: 3_000,
        },
      );
      const outcome = call();
      await clock.runAll();
      // The server's hint stays on the error, as on `retry_hint_too_long`: a caller tells its own
      // client when to come back without reading the message (it was only in the `cause`).
      expect(await outcome).toMatchObject({
        ok: false,
        at: 0,
        error: { kind: 'deadline_exceeded', retryAfterMs: 5_000 },
      });
      expect(model.calls).toBe(1);
    });

    it('aborts an attempt after attemptTimeoutMs and retries it as a timeout', async () => {
      const { clock, call, model, events } = setup(
        (call) => (call.index === 0 ? hangUntilAborted()(call) : okResponse()),
        { attemptTimeoutMs: 1_000 },
      );
      const outcome = call();
      await clock.runAll();
      expect(await outcome).toMatchObject({ ok: true, at: 1_250, value: { attempts: 2 } });
      expect(model.signals[0]?.aborted).toBe(true);
      expect(events.find((event) => event.type === 'attempt')).toMatchObject({
        outcome: 'failure',
        errorKind: 'timeout',
        latencyMs: 1_000,
      });
    });
  });

  describe('defaults', () => {
    it('never hangs on a stalled endpoint: attempts time out and the call ends at its deadline', async () => {
      const { clock, call, model } = setup(hangUntilAborted());
      const outcome = call();
      await clock.runAll();
      expect(await outcome).toMatchObject({
        ok: false,
        at: 300_000,
        error: { kind: 'deadline_exceeded', cause: { kind: 'timeout' } },
      });
      expect(model.calls).toBe(3);
      expect(model.signals.every((signal) => signal.aborted)).toBe(true);
      expect(clock.pendingTimers).toBe(0);
    });

    it('leaves no timer behind on the system clock once its calls have settled', async () => {
      // The system clock, with every timer it sets tracked until it fires or is cleared. (Counting
      // the process's active timers instead read other tests' timers too, and failed under load.)
      const open = new Set<unknown>();
      let set = 0;
      const clock: Clock = {
        ...systemClock,
        setTimeout: (callback, ms) => {
          set++;
          const handle = systemClock.setTimeout(() => {
            open.delete(handle);
            callback();
          }, ms);
          open.add(handle);
          return handle;
        },
        clearTimeout: (handle) => {
          open.delete(handle);
          systemClock.clearTimeout(handle);
        },
      };
      const policy = createReliabilityPolicy({ baseDelayMs: 1, clock });
      const flaky = new FakeChatModel({ behaviour: failThenAnswer(modelError('server_error')) });
      const broken = new FakeChatModel({
        endpoint: 'fake:broken',
        behaviour: failThenAnswer(modelError('bad_request')),
      });
      const signal = new AbortController().signal;
      await policy.call({ models: [flaky], request, signal });
      await policy.call({ models: [broken], request, signal }).catch(() => undefined);
      // A timer was set (the backoff before the flaky model's second attempt; an attempt that
      // answers at once sets no timeout), and every one has ended.
      expect(set).toBeGreaterThan(0);
      expect(open.size).toBe(0);
    });
  });

  describe('caller abort', () => {
    it('cancels a backoff wait at once and makes no further attempt', async () => {
      const caller = new AbortController();
      const { clock, call, model, policy } = setup(failThenAnswer(modelError('server_error')), {
        baseDelayMs: 10_000,
      });
      const outcome = call(caller.signal);
      await clock.advance(1_000);
      caller.abort(new Error('state exited'));
      await clock.runAll();
      const result = await outcome;
      expect(result).toMatchObject({ ok: false, at: 1_000, error: { kind: 'aborted' } });
      expect((result as { error: ModelCallError }).error.cause).toEqual(new Error('state exited'));
      expect(model.calls).toBe(1);
      expect(clock.pendingTimers).toBe(0);
      expect(policy.status('fake:primary')).toEqual({ breaker: 'closed', retriesAllowed: 2 });
    });

    it('aborts the attempt in flight without counting it against the endpoint', async () => {
      const caller = new AbortController();
      const { clock, call, model, policy } = setup(hangUntilAborted());
      const outcome = call(caller.signal);
      await clock.advance(10);
      caller.abort();
      expect(await outcome).toMatchObject({ ok: false, at: 10, error: { kind: 'aborted' } });
      expect(model.signals[0]?.aborted).toBe(true);
      expect(policy.status('fake:primary')).toEqual({ breaker: 'closed', retriesAllowed: 3 });
      expect(clock.pendingTimers).toBe(0);
    });

    it.each<[string, FakeBehaviour]>([
      ['an answer', () => okResponse()],
      [
        'retries that all fail',
        failThenAnswer(modelError('server_error'), modelError('timeout'), modelError('conflict')),
      ],
      ['a fatal error', failThenAnswer(modelError('bad_request'))],
    ])("leaves no listener on the caller's signal and no timer after %s", async (_, behaviour) => {
      const caller = new AbortController();
      const { clock, call } = setup(behaviour);
      const outcome = call(caller.signal);
      await clock.runAll();
      await outcome;
      expect(getEventListeners(caller.signal, 'abort')).toHaveLength(0);
      expect(clock.pendingTimers).toBe(0);
    });

    it('makes no attempt when the signal is already aborted', async () => {
      const { clock, call, model } = setup(() => okResponse());
      const outcome = call(AbortSignal.abort());
      await clock.runAll();
      expect(await outcome).toMatchObject({ ok: false, error: { kind: 'aborted' } });
      expect(model.calls).toBe(0);
    });
  });

  describe('events', () => {
    it('reports every attempt and wait with endpoint, reason and clock time', async () => {
      const { clock, call, events } = setup(failThenAnswer(modelError('connection')));
      const outcome = call();
      await clock.runAll();
      await outcome;
      expect(events).toEqual([
        {
          type: 'attempt',
          at: 0,
          endpoint: 'fake:primary',
          model: 'fake-model',
          attempt: 1,
          outcome: 'failure',
          errorKind: 'connection',
          reason: 'connection: simulated connection',
          latencyMs: 0,
        },
        {
          type: 'retry',
          at: 0,
          endpoint: 'fake:primary',
          attempt: 1,
          delayMs: 250,
          reason: 'connection: simulated connection',
          delaySource: 'backoff',
        },
        {
          type: 'attempt',
          at: 250,
          endpoint: 'fake:primary',
          model: 'fake-model',
          attempt: 2,
          outcome: 'success',
          latencyMs: 0,
        },
      ]);
    });

    it('stops notifying a listener once it unsubscribes', async () => {
      const { clock, policy, model } = setup(() => okResponse());
      const seen: string[] = [];
      const stop = policy.on('attempt', (event) => seen.push(event.outcome));
      await policy.call({ models: [model], request, signal: new AbortController().signal });
      stop();
      await policy.call({ models: [model], request, signal: new AbortController().signal });
      await clock.runAll();
      expect(seen).toEqual(['success']);
    });
  });

  describe('options', () => {
    it.each<[ReliabilityPolicyOptions, RegExp]>([
      [{ maxAttempts: 0 }, /maxAttempts is 0\. Give a whole number of attempts, at least 1/],
      [{ maxAttempts: 2.5 }, /maxAttempts is 2\.5/],
      [
        { baseDelayMs: -1 },
        /baseDelayMs is -1\. Give a number of milliseconds from 0 to 2147483647/,
      ],
      // Before: "Give a number of milliseconds, 0 or more" for a value that was 0 or more.
      [
        { maxRetryAfterMs: 2 ** 31 },
        /maxRetryAfterMs is 2147483648\. Give a number of milliseconds from 0 to 2147483647, or Infinity/,
      ],
      [
        { baseDelayMs: 1_000, maxDelayMs: 10 },
        /maxDelayMs is 10\. Give a number of milliseconds no smaller than baseDelayMs/,
      ],
      [{ maxRetryAfterMs: -5 }, /maxRetryAfterMs is -5/],
      [{ deadlineMs: 0 }, /deadlineMs is 0\. Give a positive number of milliseconds/],
      [{ attemptTimeoutMs: Number.NaN }, /attemptTimeoutMs is NaN/],
      [{ attemptTimeoutMs: 2 ** 40 }, /attemptTimeoutMs is 1099511627776/],
      [{ breaker: { failureRateThreshold: -1 } }, /breaker\.failureRateThreshold is -1/],
      [{ breaker: { minimumRequests: Number.NaN } }, /breaker\.minimumRequests is NaN/],
      [{ breaker: { cooldownMs: -1 } }, /breaker\.cooldownMs is -1/],
      [{ retryBudget: { ratio: 2 } }, /retryBudget\.ratio is 2\. Give a share of active calls/],
      [{ retryBudget: { minRetries: -3 } }, /retryBudget\.minRetries is -3/],
      [{ rateLimit: { requestsPerMinute: -1 } }, /rateLimit\.requestsPerMinute is -1/],
      [
        { rateLimitByEndpoint: { 'openai:x': { tokensPerMinute: 0 } } },
        /rateLimit\.tokensPerMinute is 0/,
      ],
      // These three were taken, and failed the first call with a TypeError, or were ignored.
      [{ clock: 42 as never }, /clock must be a clock .* got the number 42/],
      [{ random: 42 as never }, /random must be a function returning a number/],
      [
        { rateLimitByEndpoint: 42 as never },
        /rateLimitByEndpoint must be an object of rate limits by endpoint/,
      ],
    ])('rejects %o when the policy is made, with definition.invalid_option', (options, message) => {
      let thrown: unknown;
      try {
        createReliabilityPolicy(options);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(DefinitionError);
      expect(thrown).toMatchObject({
        code: 'definition.invalid_option',
        message: expect.stringMatching(message),
      });
    });

    it('accepts Infinity for deadlineMs and attemptTimeoutMs, setting no timer', async () => {
      const { clock, call } = setup(() => okResponse(), {
        deadlineMs: Number.POSITIVE_INFINITY,
        attemptTimeoutMs: Number.POSITIVE_INFINITY,
      });
      const outcome = call();
      expect(clock.pendingTimers).toBe(0);
      expect(await outcome).toMatchObject({ ok: true });
    });

    it('refuses a call with no model', async () => {
      const policy = createReliabilityPolicy();
      await expect(
        policy.call({ models: [], request, signal: new AbortController().signal }),
      ).rejects.toMatchObject({ code: 'definition.model_not_provided' });
    });
  });
});
