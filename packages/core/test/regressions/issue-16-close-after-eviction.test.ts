import { describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { z } from 'zod';
import { createAgent } from '../../src/agent/create-agent';
import { humanWait } from '../../src/effects/human-wait';
import { MemoryCheckpointer } from '../../src/store/memory-checkpointer';

/** A store whose lease release takes a while, as a database round trip does. */
class SlowReleaseCheckpointer extends MemoryCheckpointer {
  override async releaseLease(threadId: string, owner: string): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 20));
    return super.releaseLease(threadId, owner);
  }
}

const machine = setup({
  actors: {
    approve: humanWait({ prompt: () => 'Approve?', reply: z.object({ ok: z.boolean() }) }),
  },
}).createMachine({
  initial: 'approving',
  states: {
    approving: { invoke: { src: 'approve', onDone: 'done' } },
    done: { type: 'final' },
  },
});

describe('agent.close() with evictWaiting', () => {
  it('resolves only once the lease of a run evicted while waiting is released, so another process can answer at once (issue 16)', async () => {
    const checkpointer = new SlowReleaseCheckpointer();
    const first = createAgent({ machine, checkpointer, evictWaiting: true });
    expect((await first.run({ threadId: 't', input: undefined })).status).toBe('waiting');
    await first.close();
    expect((await checkpointer.getLease('t'))?.expiresAt).toBe(0);

    const second = createAgent({ machine, checkpointer, evictWaiting: true });
    const handle = await second.send('t', { type: 'human.reply', value: { ok: true } });
    expect((await handle.result()).status).toBe('done');
    await second.close();
  });
});
