import { describe, expect, it } from 'vitest';
import { createAgent } from '../agent/create-agent';
import { MemoryCheckpointer } from '../store/memory-checkpointer';
import { manualClock } from '../testing/manual-clock';
import { confirmingChart } from './wall-limit-charts.test-support';

const confirming = confirmingChart('working');

describe('wrap-up begun while working, then its wait evicted', () => {
  it('a reply within the grace is delivered to the wrap-up wait', async () => {
    const clock = manualClock(0);
    const agent = createAgent({
      machine: confirming,
      clock,
      checkpointer: new MemoryCheckpointer(),
      limits: { maxWallTimeMs: 50 },
    });
    const handle = agent.start({ threadId: 'c', input: undefined });
    await clock.advance(50);
    expect((await handle.result()).status).toBe('waiting');
    await clock.advance(1_000);
    await agent.send('c', { type: 'human.reply', value: true });
    expect(await (await agent.resume('c')).result()).toMatchObject({
      status: 'done',
      output: { wrapped: 1, answer: true },
    });
    await agent.close();
  });
});
