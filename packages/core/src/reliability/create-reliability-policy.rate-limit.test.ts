import { describe, expect, it } from 'vitest';
import { sleep } from '../clock/clock';
import type { ModelCallError } from '../model/model-call-error';
import { createReliabilityPolicy } from './create-reliability-policy';
import { capture } from './testing/capture';
import { FakeChatModel, modelError, okResponse } from './testing/fake-chat-model';
import { ManualClock } from './testing/manual-clock';
import type { ReliabilityEvent } from './types';

const burstSize = 300;

/**
 * A burst of calls against an endpoint that paces them with 429s: each call's first `limited`
 * attempts are answered after 20 ms on the manual clock with a 429 carrying `retryAfterMs`
 * (when given), later ones with an answer. What a provider does to a burst over its rate
 * limit.
 */
function rateLimitedBurst({
  retryAfterMs,
  limited = 1,
}: {
  retryAfterMs: number | undefined;
  limited?: number;
}) {
  const clock = new ManualClock();
  const policy = createReliabilityPolicy({ clock, random: () => 0.5 });
  const attemptsOf = new Map<string, number>();
  const model = new FakeChatModel({
    endpoint: 'fake:paced',
    behaviour: async ({ request: { messages }, options: { signal } }) => {
      const caller = String(messages[0]?.content);
      const attempt = (attemptsOf.get(caller) ?? 0) + 1;
      attemptsOf.set(caller, attempt);
      await sleep(clock, 20, signal);
      if (attempt <= limited) {
        throw modelError('rate_limited', {
          status: 429,
          ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
        });
      }
      return okResponse();
    },
  });
  const events: ReliabilityEvent[] = [];
  policy.on('breaker.change', (event) => events.push(event));
  policy.on('budget.exhausted', (event) => events.push(event));
  const run = async () => {
    const outcomes = Array.from({ length: burstSize }, (_, index) =>
      capture(
        policy.call({
          models: [model],
          request: { messages: [{ role: 'user', content: `call ${index}` }] },
          signal: new AbortController().signal,
        }),
        clock,
      ),
    );
    await clock.runAll();
    return Promise.all(outcomes);
  };
  return { policy, model, events, run };
}

describe('createReliabilityPolicy: a burst the server paces with 429 and a retry hint', () => {
  it('waits every call out: no breaker opened, no retry refused, every call answered', async () => {
    const { policy, model, events, run } = rateLimitedBurst({ retryAfterMs: 300 });
    const outcomes = await run();
    expect(outcomes.filter((outcome) => !outcome.ok)).toEqual([]);
    expect(model.calls).toBe(2 * burstSize);
    expect(events).toEqual([]);
    expect(policy.status('fake:paced').breaker).toBe('closed');
  });

  it('stops each call at maxAttempts when the server keeps limiting it, saying so', async () => {
    const { model, events, run } = rateLimitedBurst({ retryAfterMs: 300, limited: Infinity });
    const outcomes = await run();
    expect(model.calls).toBe(3 * burstSize);
    expect(events).toEqual([]);
    for (const outcome of outcomes) {
      expect(outcome.ok).toBe(false);
      const error = (outcome as { error: ModelCallError }).error;
      expect(error).toMatchObject({ kind: 'rate_limited', status: 429 });
      expect(error.message).toMatch(/maxAttempts \(3\) allows no more/);
    }
  });

  it('still judges a 429 without a hint as a failure: the budget and the breaker bound it', async () => {
    const { model, events, run } = rateLimitedBurst({ retryAfterMs: undefined, limited: Infinity });
    const outcomes = await run();
    expect(outcomes.every((outcome) => !outcome.ok)).toBe(true);
    expect(model.calls / burstSize).toBeLessThanOrEqual(1.2);
    expect(events.some((event) => event.type === 'breaker.change')).toBe(true);
  });
});
