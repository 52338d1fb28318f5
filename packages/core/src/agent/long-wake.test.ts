import { describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { z } from 'zod';
import { humanWait } from '../effects/human-wait';
import { MemoryCheckpointer } from '../store/memory-checkpointer';
import { createAgent } from './create-agent';

const thirtyDaysMs = 30 * 24 * 60 * 60 * 1_000;

describe('a waiting run whose deadline is further away than a platform timer reaches', () => {
  it('stays out of memory until it is due: it is not restored again and again', async () => {
    const machine = setup({
      actors: {
        approve: humanWait({
          prompt: () => 'Approve?',
          reply: z.object({ ok: z.boolean() }),
          timeoutMs: thirtyDaysMs,
        }),
      },
    }).createMachine({
      id: 'approval',
      initial: 'asking',
      states: {
        asking: { invoke: { src: 'approve', onDone: 'done', onError: 'late' } },
        done: { type: 'final' },
        late: { type: 'final' },
      },
    });
    const checkpointer = new MemoryCheckpointer();
    const agent = createAgent({ machine, checkpointer });
    let starts = 0;
    agent.events.on('run.start', () => {
      starts++;
    });
    expect((await agent.start({ threadId: 'w', input: {} }).result()).status).toBe('waiting');
    await new Promise((resolve) => setTimeout(resolve, 100));
    // Before: a 30-day wake-up timer fired after 1 ms (Node's limit is 2^31 - 1 ms), and the
    // thread was restored and evicted about once a millisecond, writing a checkpoint each time.
    expect(starts).toBe(1);
    expect(await checkpointer.list('w')).toHaveLength(2);
    await agent.close();
  });
});
