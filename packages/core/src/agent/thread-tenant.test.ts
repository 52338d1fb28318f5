import { describe, expect, it } from 'vitest';
import { assign, setup } from 'xstate';
import { z } from 'zod';
import { humanWait } from '../effects/human-wait';
import { MemoryCheckpointer } from '../store/memory-checkpointer';
import { createAgent } from './create-agent';

function approvalMachine() {
  return setup({
    actors: {
      approve: humanWait({ prompt: () => 'Approve?', reply: z.object({ ok: z.boolean() }) }),
    },
    types: { context: {} as { state: string } },
  }).createMachine({
    id: 'approval',
    context: { state: 'asking' },
    initial: 'asking',
    states: {
      asking: {
        invoke: {
          src: 'approve',
          onDone: { target: 'approved', actions: assign({ state: 'approved' }) },
        },
      },
      approved: { type: 'final' },
    },
    output: ({ context }) => context,
  });
}

const approve = { type: 'human.reply', value: { ok: true } } as const;

describe("assertThreadOfTenant (issue: a tenant who learnt another tenant's thread id answered its wait)", () => {
  it.each([
    ['evicted to the store', true],
    ['live in memory', false],
  ])(
    'refuses a reply, a resume for another tenant with the thread %s: nothing is written',
    async (_, evictWaiting) => {
      const checkpointer = new MemoryCheckpointer();
      const agent = createAgent({ machine: approvalMachine(), checkpointer, evictWaiting });
      const handle = agent.start({ threadId: 't', input: {}, tenantId: 'acme' });
      expect((await handle.result()).status).toBe('waiting');
      const before = await checkpointer.list('t');

      const send = agent.send('t', approve, { tenantId: 'globex' });
      await expect(send).rejects.toMatchObject({ code: 'run.wrong_tenant' });
      await expect(send).rejects.toThrow(/not a thread of tenant "globex"/);
      // The thread's own tenant is not told to the caller.
      await expect(send).rejects.not.toThrow(/acme/);
      await expect(agent.resume('t', { tenantId: 'globex' })).rejects.toMatchObject({
        code: 'run.wrong_tenant',
      });
      expect(await checkpointer.list('t')).toEqual(before);
      expect((await agent.getCheckpoint('t'))?.run.status).toBe('waiting');

      const done = await (await agent.send('t', approve, { tenantId: 'acme' })).result();
      expect(done).toMatchObject({ status: 'done', output: { state: 'approved' } });
      await agent.close();
    },
  );

  it('refuses a tenant on a thread started for none, and on a thread that does not exist, alike', async () => {
    const agent = createAgent({ machine: approvalMachine() });
    expect((await agent.start({ threadId: 'shared', input: {} }).result()).status).toBe('waiting');
    const none = agent.send('shared', approve, { tenantId: 'acme' });
    const missing = agent.send('missing', approve, { tenantId: 'acme' });
    await expect(none).rejects.toMatchObject({ code: 'run.wrong_tenant' });
    await expect(missing).rejects.toMatchObject({ code: 'run.wrong_tenant' });
    expect((await agent.getCheckpoint('shared'))?.run.status).toBe('waiting');
    // Without a tenant, the call acts as it did.
    expect((await (await agent.send('shared', approve)).result()).status).toBe('done');
    await agent.close();
  });

  it('checks the tenant it is given and the option names', async () => {
    const agent = createAgent({ machine: approvalMachine() });
    await expect(agent.send('t', approve, { tenantId: '' })).rejects.toThrow(/non-empty string/);
    await expect(agent.send('t', approve, { tenant: 'acme' } as never)).rejects.toThrow(/tenant/);
    await agent.close();
  });
});

describe("agent.fork({ tenantId }) (issue: a fork made for globex from acme's thread ran as acme)", () => {
  it("refuses a fork of another tenant's thread, of none, or of a missing one, and writes nothing", async () => {
    const checkpointer = new MemoryCheckpointer();
    const agent = createAgent({ machine: approvalMachine(), checkpointer, evictWaiting: true });
    expect((await agent.run({ threadId: 'rev-1', input: {}, tenantId: 'acme' })).status).toBe(
      'waiting',
    );
    expect((await agent.run({ threadId: 'shared', input: {} })).status).toBe('waiting');
    for (const from of ['rev-1', 'shared', 'missing']) {
      const fork = agent.fork({ from, threadId: `copy-of-${from}`, tenantId: 'globex' });
      await expect(fork).rejects.toMatchObject({ code: 'run.wrong_tenant' });
      await expect(fork).rejects.not.toThrow(/acme/);
      expect(await agent.getCheckpoint(`copy-of-${from}`)).toBeUndefined();
    }
    // The source's own tenant forks it, and the fork is that tenant's to reply to.
    const fork = await agent.fork({ from: 'rev-1', threadId: 'rev-1-copy', tenantId: 'acme' });
    expect((await fork.result()).status).toBe('waiting');
    expect((await agent.getCheckpoint('rev-1-copy'))?.run.tenantId).toBe('acme');
    const done = await (await agent.send('rev-1-copy', approve, { tenantId: 'acme' })).result();
    expect(done.status).toBe('done');
    await agent.close();
  });
});
