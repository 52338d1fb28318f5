import { describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { z } from 'zod';
import { humanWait } from '../effects/human-wait';
import { MemoryCheckpointer } from '../store/memory-checkpointer';
import { createAgent } from './create-agent';

const machine = setup({
  actors: {
    approve: humanWait({ prompt: () => 'Approve?', reply: z.object({ ok: z.boolean() }) }),
  },
}).createMachine({
  id: 'approval',
  initial: 'asking',
  states: { asking: { invoke: { src: 'approve', onDone: 'done' } }, done: { type: 'final' } },
});

/** A store whose lease release takes a while, as a network round trip does. */
class SlowReleaseStore extends MemoryCheckpointer {
  override async releaseLease(threadId: string, owner: string): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 50));
    return super.releaseLease(threadId, owner);
  }
}

/** A store whose lease releases wait until the test lets them through. */
class GatedReleaseStore extends MemoryCheckpointer {
  readonly #gates: (() => void)[] = [];
  #held: () => void = () => undefined;
  /** Resolves once a release is held at the gate. */
  readonly released = new Promise<void>((resolve) => {
    this.#held = resolve;
  });
  override async releaseLease(threadId: string, owner: string): Promise<void> {
    await new Promise<void>((resolve) => {
      this.#gates.push(resolve);
      this.#held();
    });
    return super.releaseLease(threadId, owner);
  }
  open(): void {
    for (const gate of this.#gates.splice(0)) gate();
  }
}

/** A store whose journal writes take a while. */
class SlowJournalStore extends MemoryCheckpointer {
  override async putEffect(...args: Parameters<MemoryCheckpointer['putEffect']>): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 50));
    return super.putEffect(...args);
  }
}

describe('a run letting go of its thread', () => {
  it('agent.close() resolves only once its runs’ leases are released, so another process can take their threads at once (issue 15)', async () => {
    const checkpointer = new SlowReleaseStore();
    const first = createAgent({ machine, checkpointer });
    expect((await first.start({ threadId: 't', input: {} }).result()).status).toBe('waiting');
    const ended = createAgent({ machine, checkpointer });
    await first.close();
    expect((await checkpointer.getLease('t'))?.expiresAt).toBe(0);
    const handle = await ended.send('t', { type: 'human.reply', value: { ok: true } });
    expect((await handle.result()).status).toBe('done');
    await ended.close();
  });

  it('answers a wait sent right after the run came to rest in this process, while its lease is still being released', async () => {
    const checkpointer = new GatedReleaseStore();
    const agent = createAgent({ machine, checkpointer, evictWaiting: true });
    expect((await agent.start({ threadId: 'r', input: {} }).result()).status).toBe('waiting');
    await checkpointer.released;
    // The evicted run's release is still on its way to the store when the reply comes.
    const sent = agent.send('r', { type: 'human.reply', value: { ok: true } });
    // Everything the send does before it must wait on the store happens in this turn.
    await new Promise((resolve) => setImmediate(resolve));
    checkpointer.open();
    const handle = await sent;
    expect((await handle.result()).status).toBe('done');
    await agent.close();
  });

  it('rests waiting only once the wait is in the journal, for processes that read the store (issue 15)', async () => {
    const checkpointer = new SlowJournalStore();
    const agent = createAgent({ machine, checkpointer });
    await agent.start({ threadId: 'w', input: {} }).result();
    expect(await checkpointer.listEffects('w')).toEqual([
      expect.objectContaining({ kind: 'human', status: 'started', input: 'Approve?' }),
    ]);
    await agent.close();
  });
});
