import { describe, expect, it } from 'vitest';
import { countingClock } from '../clock/counting-clock.test-support';
import { MemoryCheckpointer } from '../store/memory-checkpointer';
import { approvalChart } from './approval-chart.test-support';
import { createAgent } from './create-agent';

/** Timers left armed once `threads` threads rest waiting, evicted, on an agent of these options. */
async function timersAfterWaits(threads: number, wakeWaiting?: boolean): Promise<number> {
  const clock = countingClock();
  const checkpointer = new MemoryCheckpointer();
  const agent = createAgent({ machine: approvalChart, checkpointer, clock, wakeWaiting });
  try {
    for (let index = 0; index < threads; index++) {
      const outcome = await agent.run({ threadId: `t-${index}`, input: undefined });
      expect(outcome.status).toBe('waiting');
    }
    // Answered elsewhere, as another worker would: this agent is not told.
    const elsewhere = createAgent({ machine: approvalChart, checkpointer });
    for (let index = 0; index < threads; index++) {
      const handle = await elsewhere.send(`t-${index}`, {
        type: 'human.reply',
        value: { ok: true },
      });
      expect((await handle.result()).status).toBe('done');
    }
    await elsewhere.close();
    return clock.pending();
  } finally {
    await agent.close();
  }
}

describe('wakeWaiting', () => {
  it('keeps a wake-up timer per waiting thread by default, one answered elsewhere included', async () => {
    expect(await timersAfterWaits(20)).toBeGreaterThanOrEqual(20);
  });

  it('false keeps none, so a worker does not grow with the threads other workers answer', async () => {
    // At most the lease heartbeat's, until its next beat.
    expect(await timersAfterWaits(20, false)).toBeLessThanOrEqual(1);
  });

  it('must be a boolean', () => {
    expect(() =>
      createAgent({ machine: approvalChart, wakeWaiting: 'false' as unknown as boolean }),
    ).toThrow(/wakeWaiting must be true or false/);
  });
});
