import { describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { createAgent } from '../agent/create-agent';
import { MemoryCheckpointer } from '../store/memory-checkpointer';
import { manualClock } from '../testing/manual-clock';

const working = setup({}).createMachine({
  id: 'working',
  initial: 'working',
  states: { working: { after: { 100: 'done' } }, done: { type: 'final' } },
});

describe('replay of a thread that ended at its wall limit while working', () => {
  it('replays to limit', async () => {
    const clock = manualClock(0);
    const agent = createAgent({
      machine: working,
      clock,
      checkpointer: new MemoryCheckpointer(),
      limits: { maxWallTimeMs: 50 },
    });
    const handle = agent.start({ threadId: 'w', input: undefined });
    await clock.advance(50);
    expect((await handle.result()).status).toBe('limit');
    expect(await agent.replay('w')).toMatchObject({ status: 'limit' });
    await agent.close();
  });
});
