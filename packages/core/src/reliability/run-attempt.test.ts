import { describe, expect, it } from 'vitest';
import { ModelCallError } from '../model/model-call-error';
import { runAttempt } from './run-attempt';
import {
  FakeChatModel,
  hangForever,
  hangUntilAborted,
  okResponse,
} from './testing/fake-chat-model';
import { ManualClock } from './testing/manual-clock';

const request = { messages: [{ role: 'user' as const, content: 'hi' }] };

describe('runAttempt', () => {
  it('aborts the model signal after timeoutMs and fails with kind timeout', async () => {
    const clock = new ManualClock();
    const model = new FakeChatModel({ behaviour: hangUntilAborted() });
    const attempt = runAttempt({
      model,
      request,
      signal: new AbortController().signal,
      timeoutMs: 1_000,
      clock,
    });
    const outcome = attempt.catch((error: unknown) => error);
    await clock.advance(999);
    expect(model.signals[0]?.aborted).toBe(false);
    await clock.advance(1);
    const error = await outcome;
    expect(error).toBeInstanceOf(ModelCallError);
    expect(error).toMatchObject({ kind: 'timeout', endpoint: 'fake:primary' });
    expect(model.signals[0]?.aborted).toBe(true);
    expect(clock.pendingTimers).toBe(0);
  });

  it('settles at the timeout even when the model ignores its signal', async () => {
    const clock = new ManualClock();
    const model = new FakeChatModel({ behaviour: hangForever() });
    const outcome = runAttempt({
      model,
      request,
      signal: new AbortController().signal,
      timeoutMs: 50,
      clock,
    }).catch((error: unknown) => error);
    await clock.advance(50);
    expect(await outcome).toMatchObject({ kind: 'timeout' });
  });

  it("rejects with the call signal's reason when the call aborts", async () => {
    const clock = new ManualClock();
    const caller = new AbortController();
    const model = new FakeChatModel({ behaviour: hangForever() });
    const outcome = runAttempt({
      model,
      request,
      signal: caller.signal,
      timeoutMs: 1_000,
      clock,
    }).catch((error: unknown) => error);
    const reason = new Error('state exited');
    caller.abort(reason);
    expect(await outcome).toBe(reason);
    expect(model.signals[0]?.aborted).toBe(true);
    expect(clock.pendingTimers).toBe(0);
  });

  it('drops tokens a model streams after the attempt ended', async () => {
    const clock = new ManualClock();
    const tokens: string[] = [];
    let late: ((delta: string) => void) | undefined;
    const model = new FakeChatModel({
      behaviour: ({ options }) => {
        options.onToken?.('early');
        late = options.onToken;
        return okResponse();
      },
    });
    await runAttempt({
      model,
      request,
      signal: new AbortController().signal,
      timeoutMs: 1_000,
      clock,
      onToken: (delta) => tokens.push(delta),
    });
    late?.('late');
    expect(tokens).toEqual(['early']);
  });

  it('arms no timer and adds no abort listener for an answer at hand', async () => {
    const clock = new ManualClock();
    let timers = 0;
    const counting = {
      now: () => clock.now(),
      setTimeout: (callback: () => void, ms: number) => {
        timers++;
        return clock.setTimeout(callback, ms);
      },
      clearTimeout: (handle: unknown) => clock.clearTimeout(handle),
    };
    const caller = new AbortController();
    let listeners = 0;
    const add = caller.signal.addEventListener.bind(caller.signal);
    caller.signal.addEventListener = ((...args: Parameters<typeof add>) => {
      listeners++;
      add(...args);
    }) as typeof add;
    const model = new FakeChatModel({ behaviour: () => okResponse() });
    const response = await runAttempt({
      model,
      request,
      signal: caller.signal,
      timeoutMs: 1_000,
      clock: counting,
    });
    expect(response.content).toBe(okResponse().content);
    expect({ timers, listeners }).toEqual({ timers: 0, listeners: 0 });
  });

  it('arms its timer a microtask after it began when the model has not answered by then', async () => {
    const clock = new ManualClock();
    const model = new FakeChatModel({
      behaviour: () => new Promise((resolve) => setImmediate(() => resolve(okResponse()))),
    });
    const caller = new AbortController();
    const attempt = runAttempt({
      model,
      request,
      signal: caller.signal,
      timeoutMs: 1_000,
      clock,
    });
    expect(clock.pendingTimers).toBe(0);
    await Promise.resolve();
    expect(clock.pendingTimers).toBe(1);
    expect((await attempt).content).toBe(okResponse().content);
    expect(clock.pendingTimers).toBe(0);
  });
});
