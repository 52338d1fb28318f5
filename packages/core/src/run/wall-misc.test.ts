import { describe, expect, it } from 'vitest';
import { createAgent } from '../agent/create-agent';
import { MemoryCheckpointer } from '../store/memory-checkpointer';
import { manualClock } from '../testing/manual-clock';
import { askingChart, wrappingChart } from './wall-limit-charts.test-support';

const asking = askingChart(60_000);

describe('misc wall-limit-while-waiting', () => {
  it.each([false, true])(
    'replays a thread that ended at its wall limit while waiting to its recorded outcome (evictWaiting %s)',
    async (evictWaiting) => {
      const clock = manualClock(0);
      const agent = createAgent({
        machine: asking,
        clock,
        checkpointer: new MemoryCheckpointer(),
        evictWaiting,
        limits: { maxWallTimeMs: 500 },
      });
      const handle = agent.start({ threadId: 'w', input: undefined });
      await handle.result();
      await clock.advance(500);
      for (let j = 0; j < 10; j++) await clock.advance(0);
      expect((await agent.getCheckpoint('w'))?.run.status).toBe('limit');
      const replayed = await agent.replay('w');
      expect(replayed).toMatchObject({ status: 'limit', limit: { limit: 'maxWallTimeMs' } });
      await agent.close();
    },
  );

  it('replays a thread whose chart wrapped up a wall limit reached while waiting', async () => {
    const clock = manualClock(0);
    const agent = createAgent({
      machine: wrappingChart,
      clock,
      checkpointer: new MemoryCheckpointer(),
      evictWaiting: false,
      limits: { maxWallTimeMs: 500 },
    });
    const handle = agent.start({ threadId: 'w', input: undefined });
    await handle.result();
    await clock.advance(500);
    expect(await handle.result()).toMatchObject({ status: 'done', output: { wrapped: true } });
    expect(await agent.replay('w')).toMatchObject({ status: 'done', output: { wrapped: true } });
    await agent.close();
  });

  it('close() leaves no timer armed (evictWaiting false, wall timer armed while waiting)', async () => {
    const clock = manualClock(0);
    const agent = createAgent({
      machine: wrappingChart,
      clock,
      checkpointer: new MemoryCheckpointer(),
      evictWaiting: false,
      limits: { maxWallTimeMs: 500 },
    });
    await agent.start({ threadId: 'w', input: undefined }).result();
    await agent.close();
    expect(clock.pending()).toBe(0);
  });

  it('a reply at the same instant as the deadline: one outcome, no error, one limit.reached at most', async () => {
    const clock = manualClock(0);
    const agent = createAgent({
      machine: wrappingChart,
      clock,
      checkpointer: new MemoryCheckpointer(),
      evictWaiting: false,
      limits: { maxWallTimeMs: 500 },
    });
    const reached: unknown[] = [];
    agent.events.on('limit.reached', (e) => reached.push(e));
    const handle = agent.start({ threadId: 'w', input: undefined });
    await handle.result();
    await clock.advance(499);
    // move to exactly 500 without firing, then reply
    const p = clock.advance(1);
    const sent = agent.send('w', { type: 'human.reply', value: true }).then(
      (h) => h.result(),
      (e) => e,
    );
    await p;
    const out = await sent;
    expect(reached.length).toBeLessThanOrEqual(1);
    expect(['done', 'limit']).toContain((out as { status?: string }).status);
    await agent.close();
  });

  it('a thread ended done carries no wake time and is not listed due; ended limit neither', async () => {
    const clock = manualClock(0);
    const checkpointer = new MemoryCheckpointer();
    const agent = createAgent({
      machine: asking,
      clock,
      checkpointer,
      evictWaiting: false,
      limits: { maxWallTimeMs: 500 },
    });
    const handle = agent.start({ threadId: 'w', input: undefined });
    await handle.result();
    await clock.advance(500);
    await handle.result();
    expect((await checkpointer.latest('w'))?.wakeAt).toBeUndefined();
    await agent.close();
  });
});
