import { describe, expect, it } from 'vitest';
import { createAgent } from '../agent/create-agent';
import { MemoryCheckpointer } from '../store/memory-checkpointer';
import { manualClock } from '../testing/manual-clock';
import { confirmingChart } from './wall-limit-charts.test-support';

const confirming = confirmingChart('asking');

describe('wrap-up begun while waiting, then evicted (default evictWaiting)', () => {
  it('ends in limit (duringWrapUp) at the grace deadline like the in-memory run does', async () => {
    const clock = manualClock(0);
    const checkpointer = new MemoryCheckpointer();
    const agent = createAgent({
      machine: confirming,
      clock,
      checkpointer,
      limits: { maxWallTimeMs: 500 },
    });
    const reached: unknown[] = [];
    agent.events.on('limit.reached', (e) => reached.push(e));
    expect((await agent.start({ threadId: 'c', input: undefined }).result()).status).toBe(
      'waiting',
    );
    await clock.advance(500); // wall limit while waiting: wrap-up starts, chart asks to confirm, run evicted
    expect((await checkpointer.latest('c'))?.wakeAt).toBe(60_500);
    for (let i = 0; i < 5; i++) {
      await clock.advance(60_000);
      for (let j = 0; j < 20; j++) await clock.advance(0);
    }
    const cp = await checkpointer.latest('c');
    console.info = () => undefined;
    expect({
      status: cp?.run.status,
      limit: cp?.run.limit,
      reached: reached.length,
      wakeAt: cp?.wakeAt,
    }).toMatchObject({
      status: 'limit',
      limit: { limit: 'maxWallTimeMs', duringWrapUp: true },
      reached: 2,
    });
    await agent.close();
  });
});
