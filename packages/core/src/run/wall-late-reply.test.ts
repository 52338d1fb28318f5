import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempStores } from '../../test/fixtures/temp-stores';
import { createAgent } from '../agent/create-agent';
import { SqliteCheckpointer } from '../store/sqlite-checkpointer';
import { manualClock } from '../testing/manual-clock';
import { askingChart } from './wall-limit-charts.test-support';

const asking = askingChart();

let stores: ReturnType<typeof tempStores>;
beforeEach(() => {
  stores = tempStores();
});
afterEach(() => stores.cleanup());

const endedAtLimit = {
  code: 'run.not_waiting',
  message: expect.stringMatching(
    /^Thread "w" has ended \(limit\); "human.reply" cannot be delivered/,
  ),
};

describe('a reply after the wall deadline is told the thread has ended, wherever the run is', () => {
  it('in memory (evictWaiting false): told it has ended (limit)', async () => {
    const clock = manualClock(0);
    const agent = createAgent({
      machine: asking,
      clock,
      checkpointer: new SqliteCheckpointer({ path: ':memory:' }),
      evictWaiting: false,
      limits: { maxWallTimeMs: 500 },
    });
    await agent.start({ threadId: 'w', input: undefined }).result();
    await clock.advance(600);
    await expect(agent.send('w', { type: 'human.reply', value: true })).rejects.toMatchObject(
      endedAtLimit,
    );
    await agent.close();
  });

  it('another process, store still waiting past the deadline (no worker ran): told the same', async () => {
    const clock = manualClock(0);
    const a = createAgent({
      machine: asking,
      clock,
      checkpointer: stores.open(),
      limits: { maxWallTimeMs: 500 },
    });
    await a.start({ threadId: 'w', input: undefined }).result();
    await a.close();
    await clock.advance(600);
    const b = createAgent({
      machine: asking,
      clock,
      checkpointer: stores.open(),
      limits: { maxWallTimeMs: 500 },
    });
    await expect(b.send('w', { type: 'human.reply', value: true })).rejects.toMatchObject(
      endedAtLimit,
    );
    await b.close();
  });
});
