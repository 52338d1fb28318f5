import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { tempStores } from '../../test/fixtures/temp-stores';
import { createAgent } from '../agent/create-agent';
import { MemoryCheckpointer } from '../store/memory-checkpointer';
import { manualClock } from '../testing/manual-clock';
import { askingChart, confirmingChart } from './wall-limit-charts.test-support';

const asking = askingChart(60_000);
const confirming = confirmingChart('root');

let stores: ReturnType<typeof tempStores>;
beforeEach(() => {
  stores = tempStores();
});
afterEach(() => stores.cleanup());

const quick = setup({}).createMachine({
  id: 'quick',
  initial: 'done',
  states: { done: { type: 'final' } },
});

describe('wall limit while waiting', () => {
  it('a done checkpoint of a run with maxWallTimeMs carries no wakeAt', async () => {
    const clock = manualClock(0);
    const checkpointer = new MemoryCheckpointer();
    const agent = createAgent({
      machine: quick,
      clock,
      checkpointer,
      limits: { maxWallTimeMs: 500 },
    });
    expect((await agent.start({ threadId: 'q', input: undefined }).result()).status).toBe('done');
    const cp = await checkpointer.latest('q');
    expect(cp?.run.status).toBe('done');
    expect(cp?.wakeAt).toBeUndefined();
    await agent.close();
  });

  it('sqlite: another agent resuming at the deadline ends the thread in limit; listDue lists it', async () => {
    const clock = manualClock(0);
    const a = createAgent({
      machine: asking,
      clock,
      checkpointer: stores.open(),
      evictWaiting: true,
      limits: { maxWallTimeMs: 500 },
    });
    expect((await a.start({ threadId: 'w', input: undefined }).result()).status).toBe('waiting');
    await a.close();
    await clock.advance(500);
    const store = stores.open();
    expect(await store.listDue!({ now: 500, limit: 10 })).toEqual([{ threadId: 'w', wakeAt: 500 }]);
    const b = createAgent({
      machine: asking,
      clock,
      checkpointer: store,
      evictWaiting: true,
      limits: { maxWallTimeMs: 500 },
    });
    expect(await (await b.resume('w')).result()).toMatchObject({
      status: 'limit',
      limit: { limit: 'maxWallTimeMs' },
    });
    expect(await store.listDue!({ now: 10_000, limit: 10 })).toEqual([]);
    await b.close();
  });

  it('sqlite: restored before the deadline (another agent), waits again, ends at the deadline', async () => {
    const clock = manualClock(0);
    const a = createAgent({
      machine: asking,
      clock,
      checkpointer: stores.open(),
      evictWaiting: true,
      limits: { maxWallTimeMs: 500 },
    });
    expect((await a.start({ threadId: 'w', input: undefined }).result()).status).toBe('waiting');
    await a.close();
    await clock.advance(200);
    const b = createAgent({
      machine: asking,
      clock,
      checkpointer: stores.open(),
      evictWaiting: false,
      limits: { maxWallTimeMs: 500 },
    });
    const handle = await b.resume('w');
    expect((await handle.result()).status).toBe('waiting');
    await clock.advance(300);
    expect(await handle.result()).toMatchObject({ status: 'limit' });
    await b.close();
  });

  it.each([false, true])(
    'wrap-up wait after a wall limit while waiting: reply in the grace is delivered, one limit.reached (evictWaiting %s)',
    async (evictWaiting) => {
      const clock = manualClock(0);
      const checkpointer = new MemoryCheckpointer();
      const agent = createAgent({
        machine: confirming,
        clock,
        checkpointer,
        evictWaiting,
        limits: { maxWallTimeMs: 500 },
      });
      const reached: unknown[] = [];
      agent.events.on('limit.reached', (e) => reached.push(e));
      const handle = agent.start({ threadId: 'c', input: undefined });
      expect((await handle.result()).status).toBe('waiting');
      await clock.advance(500);
      expect((await handle.result()).status).toBe('waiting');
      const cp = await checkpointer.latest('c');
      expect(cp?.wakeAt).toBe(500 + 60_000);
      await clock.advance(1_000);
      await agent.send('c', { type: 'human.reply', value: true });
      const h2 = await agent.resume('c').catch(() => handle);
      const out = await h2.result();
      expect(out).toMatchObject({ status: 'done', output: { wrapped: 1, answer: true } });
      expect(reached).toHaveLength(1);
      await agent.close();
    },
  );

  it.each([false, true])(
    'wrap-up wait nobody answers ends in limit at the grace deadline, one limit.reached (evictWaiting %s)',
    async (evictWaiting) => {
      const clock = manualClock(0);
      const checkpointer = new MemoryCheckpointer();
      const agent = createAgent({
        machine: confirming,
        clock,
        checkpointer,
        evictWaiting,
        limits: { maxWallTimeMs: 500 },
      });
      const reached: unknown[] = [];
      agent.events.on('limit.reached', (e) => reached.push(e));
      const handle = agent.start({ threadId: 'c', input: undefined });
      expect((await handle.result()).status).toBe('waiting');
      await clock.advance(500);
      await clock.advance(60_000);
      for (let i = 0; i < 20; i++) await clock.advance(0);
      const cp = await checkpointer.latest('c');
      expect(cp?.run.status).toBe('limit');
      expect(cp?.run.limit).toMatchObject({ duringWrapUp: true });
      expect(reached).toHaveLength(2);
      await agent.close();
    },
  );
});
