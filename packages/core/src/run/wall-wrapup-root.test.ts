/*
 * Found by a review: a chart that handles a wall limit reached while waiting by asking a
 * person again wrapped up again at every restore — the wrap-up lived only in memory, and a
 * waiting run leaves memory by default — so the thread woke every 60 s, re-asked, and never
 * ended. The wrap-up is now part of the run's stored state (`RunState.wrapUp`).
 */
import { describe, expect, it } from 'vitest';
import { createAgent } from '../agent/create-agent';
import { MemoryCheckpointer } from '../store/memory-checkpointer';
import { manualClock } from '../testing/manual-clock';
import { confirmingChart } from './wall-limit-charts.test-support';

const confirming = confirmingChart('root');

describe('wrap-up begun while waiting, evicted (default evictWaiting), root handler', () => {
  it('ends in limit at the grace deadline (60 s), as with evictWaiting false', async () => {
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
    await clock.advance(500);
    for (let i = 0; i < 5; i++) {
      await clock.advance(60_000);
      for (let j = 0; j < 20; j++) await clock.advance(0);
    }
    const cp = await checkpointer.latest('c');
    const waits = (await agent.journal('c')).filter(
      (e) => e.kind === 'human' && e.status === 'started',
    ).length;
    expect({
      status: cp?.run.status,
      reached: reached.length,
      wrapped: (cp?.snapshot as { context?: { wrapped: number } })?.context?.wrapped,
      openWaits: waits,
      wakeAt: cp?.wakeAt,
    }).toEqual({
      status: 'limit',
      reached: 2,
      wrapped: 1,
      openWaits: 2,
      wakeAt: undefined,
    });
    await agent.close();
  });

  it('a reply within the grace, after eviction, is delivered to the wrap-up wait', async () => {
    const clock = manualClock(0);
    const agent = createAgent({
      machine: confirming,
      clock,
      checkpointer: new MemoryCheckpointer(),
      limits: { maxWallTimeMs: 500 },
    });
    expect((await agent.start({ threadId: 'c', input: undefined }).result()).status).toBe(
      'waiting',
    );
    await clock.advance(500);
    await clock.advance(1_000);
    await agent.send('c', { type: 'human.reply', value: true });
    expect(await (await agent.resume('c')).result()).toMatchObject({
      status: 'done',
      output: { wrapped: 1, answer: true },
    });
    await agent.close();
  });
});
