import { describe, expect, it } from 'vitest';
import { countingClock } from '../clock/counting-clock.test-support';
import { MemoryCheckpointer } from '../store/memory-checkpointer';
import { approvalChart } from './approval-chart.test-support';
import { createAgent } from './create-agent';

describe('agent.close()', () => {
  it('leaves no timer of the agent armed: not the lease heartbeat, not a wait’s wake-up', async () => {
    const clock = countingClock();
    const agent = createAgent({
      machine: approvalChart,
      checkpointer: new MemoryCheckpointer(),
      clock,
    });
    const answered = await agent.start({ threadId: 'answered', input: undefined });
    expect((await answered.result()).status).toBe('waiting');
    await answered.reply({ ok: true });
    expect((await answered.result()).status).toBe('done');
    // Left waiting, evicted, with a timer for its deadline.
    expect((await agent.run({ threadId: 'waiting', input: undefined })).status).toBe('waiting');
    expect(clock.pending()).toBeGreaterThan(0);

    await agent.close();

    // Before: the heartbeat's timer stayed armed until its next beat (leaseTtlMs / 3).
    expect(clock.pending()).toBe(0);
  });
});
