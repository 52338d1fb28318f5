import { describe, expect, it } from 'vitest';
import { sleep } from '../clock/clock';
import { createReliabilityPolicy } from './create-reliability-policy';
import { capture } from './testing/capture';
import { FakeChatModel, modelError, okResponse } from './testing/fake-chat-model';
import { ManualClock } from './testing/manual-clock';

/**
 * 400 concurrent calls to an endpoint that answers every call after 200 ms on the manual clock,
 * but for one call in twenty, which it refuses with a 503 every time, after 50 ms. The
 * refused calls' retries come back after every answer: at the end of the burst they are all
 * that is in flight.
 */
function burstWithStubbornCalls() {
  const clock = new ManualClock();
  const policy = createReliabilityPolicy({ clock, random: () => 0.5 });
  const model = new FakeChatModel({
    endpoint: 'fake:mostly-fine',
    behaviour: async ({ request, options: { signal } }) => {
      const refused = Number(request.messages[0]?.content) % 20 === 0;
      await sleep(clock, refused ? 50 : 200, signal);
      if (refused) throw modelError('server_error', { status: 503 });
      return okResponse();
    },
  });
  const burst = async () => {
    const outcomes = Array.from({ length: 400 }, (_, index) =>
      capture(
        policy.call({
          models: [model],
          request: { messages: [{ role: 'user', content: String(index) }] },
          signal: new AbortController().signal,
        }),
        clock,
      ),
    );
    await clock.runAll();
    return Promise.all(outcomes);
  };
  return { policy, burst };
}

describe('createReliabilityPolicy: the tail of a burst', () => {
  it('keeps the breaker closed when the retries of a few refused calls outlast every answer', async () => {
    // Before: the 20 refused calls' second attempts failed in a row after the last answer,
    // with nothing else in flight, and opened the breaker: the third attempts and the whole
    // next burst failed fast with model.circuit_open, on an endpoint answering 95% of calls.
    const { policy, burst } = burstWithStubbornCalls();
    const first = await burst();
    expect(first.filter((outcome) => outcome.ok)).toHaveLength(380);
    expect(
      first.flatMap((outcome) => (outcome.ok ? [] : [(outcome.error as { code: string }).code])),
    ).toEqual(Array(20).fill('model.server_error'));
    expect(policy.status('fake:mostly-fine').breaker).toBe('closed');

    const second = await burst();
    expect(second.filter((outcome) => outcome.ok)).toHaveLength(380);
  });
});
