/**
 * Issue 11 — a restored run renewed the lease its restore had just taken before its first
 * effect: the restore did not tell the run until when the lease ran, so every reply to an
 * evicted thread (and every wake-up) paid one more round trip to the store.
 */

import {
  createAgent,
  defineTool,
  humanWait,
  MemoryCheckpointer,
  type RenewLeaseOptions,
  toolCall,
} from '@agentchart/core';
import { describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { z } from 'zod';

/** The in-memory store, counting the renewals asked of it. */
class CountingStore extends MemoryCheckpointer {
  renewals = 0;
  override async renewLease(threadId: string, options: RenewLeaseOptions): Promise<boolean> {
    this.renewals++;
    return super.renewLease(threadId, options);
  }
}

const ship = defineTool({
  name: 'ship',
  description: 'Ships the order.',
  input: z.object({}),
  output: z.object({ shipped: z.boolean() }),
  effect: 'unsafe',
  execute: async () => ({ shipped: true }),
  reconcile: async () => ({ status: 'not_executed' }),
});

const machine = setup({
  actors: {
    approve: humanWait({ prompt: () => 'Ship?', reply: z.boolean() }),
    ship: toolCall(ship),
  },
}).createMachine({
  id: 'ship-after-approval',
  initial: 'approving',
  states: {
    approving: { invoke: { src: 'approve', onDone: 'shipping' } },
    shipping: { invoke: { src: 'ship', input: {}, onDone: 'done' } },
    done: { type: 'final' },
  },
});

describe('a restored run (issue 11)', () => {
  it('acts on the lease its restore took, without renewing it first', async () => {
    const store = new CountingStore();
    const agent = createAgent({ machine, checkpointer: store });
    expect((await agent.start({ threadId: 't', input: undefined }).result()).status).toBe(
      'waiting',
    );
    store.renewals = 0;
    // The waiting run left memory: the reply restores it, and its unsafe tool acts at once.
    const handle = await agent.send('t', { type: 'human.reply', value: true });
    expect((await handle.result()).status).toBe('done');
    expect(store.renewals).toBe(0);
    await agent.close();
  });
});
