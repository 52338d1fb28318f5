import { afterEach, describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { z } from 'zod';
import { createAgent } from '../agent/create-agent';
import { humanWait } from '../effects/human-wait';
import { toolCall } from '../effects/tool-call';
import { defineTool } from '../tools/define-tool';
import { MemoryCheckpointer } from './memory-checkpointer';
import { SqliteCheckpointer } from './sqlite-checkpointer';

const machine = setup({
  actors: {
    approve: humanWait({ prompt: () => 'Approve?', reply: z.object({ ok: z.boolean() }) }),
  },
}).createMachine({
  id: 'approval',
  initial: 'asking',
  states: { asking: { invoke: { src: 'approve', onDone: 'done' } }, done: { type: 'final' } },
});

const opened: SqliteCheckpointer[] = [];
afterEach(() => {
  for (const store of opened.splice(0)) store.close();
});

function open(): SqliteCheckpointer {
  const store = new SqliteCheckpointer({ path: ':memory:' });
  opened.push(store);
  return store;
}

describe('erasing a thread an agent ran', () => {
  it('erases a waiting thread, and a reply sent to it later is refused with run.not_found, in the process that ran it and in another', async () => {
    const checkpointer = open();
    const agent = createAgent({ machine, checkpointer });
    const started = agent.start({ threadId: 'order-7', input: {}, tenantId: 'acme' });
    expect((await started.result()).status).toBe('waiting');
    // Left memory on coming to rest (evictWaiting), its lease given up.
    await expect.poll(async () => (await checkpointer.getLease('order-7'))?.expiresAt).toBe(0);
    expect(await checkpointer.listTenantThreads('acme')).toEqual(['order-7']);

    const erased = await checkpointer.erase(['order-7']);
    expect(erased).toMatchObject({ threadIds: ['order-7'], threads: 1 });
    const reply = { type: 'human.reply', value: { ok: true } } as const;
    await expect(agent.send('order-7', reply)).rejects.toMatchObject({
      code: 'run.not_found',
      message: expect.stringContaining('Thread "order-7" has no checkpoint'),
    });
    const other = createAgent({ machine, checkpointer });
    await expect(other.resume('order-7')).rejects.toMatchObject({ code: 'run.not_found' });
    // Nothing was written back by the refused calls.
    expect(await checkpointer.latest('order-7')).toBeUndefined();
    expect(await checkpointer.listEffects('order-7')).toEqual([]);
    await Promise.all([agent.close(), other.close()]);
  });

  it('refuses to erase a waiting thread whose run a process keeps in memory holding its lease, and erases it once that process lets go', async () => {
    const checkpointer = open();
    const agent = createAgent({ machine, checkpointer, evictWaiting: false });
    expect((await agent.start({ threadId: 'kept', input: {} }).result()).status).toBe('waiting');
    const refused = checkpointer.erase(['kept']);
    await expect(refused).rejects.toMatchObject({
      code: 'checkpoint.lease_held',
      threadId: 'kept',
      message: expect.stringContaining('Nothing was erased'),
    });
    // It named agent.stop(), which no agent has: a run is stopped through its handle.
    const { message } = (await refused.catch((error: unknown) => error)) as { message: string };
    expect(message).not.toContain('agent.stop()');
    expect(message).toContain("its handle's stop()");
    expect((await checkpointer.latest('kept'))?.run.status).toBe('waiting');
    await agent.close();
    expect((await checkpointer.erase(['kept'])).threads).toBe(1);
  });

  it('keeps out the journal of a run that stalled past its lease and finishes its tool after the thread was erased', async () => {
    for (const checkpointer of [open(), new MemoryCheckpointer()]) {
      let sending!: () => void;
      const started = new Promise<void>((resolve) => {
        sending = resolve;
      });
      let finish!: () => void;
      const stalled = new Promise<void>((resolve) => {
        finish = resolve;
      });
      const send = defineTool({
        name: 'send',
        description: 'Sends an email.',
        input: z.object({ to: z.string() }),
        output: z.string(),
        effect: 'unsafe',
        execute: async () => {
          sending();
          await stalled;
          return 'sent';
        },
      });
      const note = defineTool({
        name: 'note',
        description: 'Notes what was done.',
        input: z.object({ text: z.string() }),
        output: z.string(),
        effect: 'unsafe',
        execute: async ({ text }) => text,
      });
      // The next tool's intent is journaled with the result held before it, ahead of the
      // checkpoint that would be refused.
      const mailing = setup({
        actors: { send: toolCall(send), note: toolCall(note) },
      }).createMachine({
        id: 'mailing',
        initial: 'sending',
        states: {
          sending: { invoke: { src: 'send', input: { to: 'a@example.com' }, onDone: 'noting' } },
          noting: {
            invoke: { src: 'note', input: { text: 'mailed a@example.com' }, onDone: 'done' },
          },
          done: { type: 'final' },
        },
      });
      const agent = createAgent({ machine: mailing, checkpointer });
      const run = agent.start({ threadId: 'mail-1', input: {} });
      await started;
      // The erase finds the run's lease lapsed (its process looks dead: a time past it).
      await checkpointer.erase(['mail-1'], { now: Date.now() + 10 * 60_000 });
      finish();
      expect(await run.result()).toMatchObject({
        status: 'failed',
        error: { code: 'checkpoint.conflict' },
      });
      await agent.close();
      // Before, the tool's result (its input, the address, with it) was journaled again.
      expect(await checkpointer.listEffects('mail-1')).toEqual([]);
      expect(await checkpointer.latest('mail-1')).toBeUndefined();
    }
  });
});
