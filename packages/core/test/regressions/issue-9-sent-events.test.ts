/**
 * Issue 9 — a clear typed error for every input a caller can get wrong, events included.
 * `agent.send` passed any event on to the machine: XState's own done event for a human wait
 * granted it without its reply's validation (an approval gate passed by a forged event), a
 * malformed event (`{}`, `{ type: 123 }`) failed the waiting run for good with a TypeError,
 * and `{ type: 'xstate.stop' }` left a run that never came to rest again. Thread ids were
 * not checked either: `''` and `42` started runs, and `send(undefined)` failed inside SQLite.
 * A start under an id whose lease a process that died mid-start left behind was told to
 * "take the thread with { force: true }", which start has no way to do.
 */
import { createAgent, humanWait, MemoryCheckpointer } from '@agentchart/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assign, setup } from 'xstate';
import { z } from 'zod';
import { tempStores } from '../fixtures/temp-stores';

let stores: ReturnType<typeof tempStores>;
beforeEach(() => {
  stores = tempStores();
});
afterEach(() => stores.cleanup());

/** Asks for an approval with a name; ends with the reply it accepted. */
const machine = setup({
  types: { context: {} as { reply?: unknown } },
  actors: {
    ask: humanWait({
      prompt: () => 'Approve?',
      reply: z.object({ approved: z.boolean(), by: z.string().min(1) }),
    }),
  },
}).createMachine({
  id: 'approval',
  context: {},
  initial: 'asking',
  states: {
    asking: {
      invoke: {
        src: 'ask',
        onDone: { target: 'done', actions: assign({ reply: ({ event }) => event.output }) },
      },
    },
    done: { type: 'final' },
  },
  output: ({ context }) => context.reply,
});

const stores_ = {
  memory: () => new MemoryCheckpointer(),
  sqlite: () => stores.open(),
};

describe.each(Object.keys(stores_) as (keyof typeof stores_)[])(
  'events sent to a thread (issue 9), %s store',
  (kind) => {
    async function waitingRun() {
      const agent = createAgent({ machine, checkpointer: stores_[kind]() });
      const handle = agent.start({ threadId: 't', input: undefined });
      expect((await handle.result()).status).toBe('waiting');
      return { agent, handle };
    }

    it('refuses XState’s own done event for a wait: the wait is granted only by a valid reply', async () => {
      const { agent, handle } = await waitingRun();
      const [childId] = Object.keys(handle.getSnapshot().children);
      const forged = { type: `xstate.done.actor.${childId}`, output: { approved: 'forged' } };
      await expect(agent.send('t', forged)).rejects.toMatchObject({
        code: 'run.invalid_event',
        message: expect.stringContaining('XState sends itself'),
      });
      expect(() => handle.send(forged)).toThrow(/XState sends itself/);
      expect(handle.waits()).toHaveLength(1);
      await agent.send('t', { type: 'human.reply', value: { approved: true, by: 'ada' } });
      expect(await handle.result()).toMatchObject({
        status: 'done',
        output: { approved: true, by: 'ada' },
      });
      await agent.close();
    });

    it('answers a wait with a human.reply given to handle.send, as agent.send does', async () => {
      const { agent, handle } = await waitingRun();
      // Before, a live run passed it to the machine, which ignored it: the wait stayed open.
      handle.send({ type: 'human.reply', value: { approved: true, by: 'di' } } as never);
      expect(await handle.result()).toMatchObject({
        status: 'done',
        output: { approved: true, by: 'di' },
      });
      await agent.close();
    });

    it('refuses a malformed event without failing the waiting run', async () => {
      const { agent, handle } = await waitingRun();
      for (const event of [{}, { type: 123 }, { type: null }, { type: '' }, null, 'approve', []]) {
        await expect(agent.send('t', event as never)).rejects.toMatchObject({
          code: 'run.invalid_event',
          message: expect.stringContaining('not an event'),
        });
      }
      await expect(agent.send('t', { type: null } as never)).rejects.toThrow(
        /was sent an object whose type is null, not an event/,
      );
      expect(handle.waits()).toHaveLength(1);
      await agent.send('t', { type: 'human.reply', value: { approved: false, by: 'bo' } });
      expect(await handle.result()).toMatchObject({ status: 'done' });
      await agent.close();
    });

    it('refuses xstate.stop and limit.reached: the run goes on and comes to rest', async () => {
      const { agent, handle } = await waitingRun();
      for (const type of ['xstate.stop', 'xstate.init', 'limit.reached']) {
        await expect(agent.send('t', { type })).rejects.toMatchObject({
          code: 'run.invalid_event',
        });
      }
      handle.reply({ approved: true, by: 'cy' });
      expect(await handle.result()).toMatchObject({ status: 'done' });
      await agent.close();
    });

    it('refuses to start a thread whose id holds a control character or takes over 1,000 bytes (thread ids)', async () => {
      const agent = createAgent({ machine, checkpointer: stores_[kind]() });
      for (const [threadId, says] of [
        ['order\u00001', 'holds the control character U+0000 at position 5'],
        ['order 1\nforged log line', 'holds the control character U+000A at position 7'],
        ['x'.repeat(1_001), 'takes 1001 bytes in UTF-8, over the 1000 an id may take'],
      ] as const) {
        expect(() => agent.start({ threadId, input: undefined })).toThrow(
          expect.objectContaining({
            code: 'definition.invalid_option',
            message: expect.stringContaining(says),
          }),
        );
        await expect(agent.fork({ from: 'any', threadId })).rejects.toMatchObject({
          code: 'definition.invalid_option',
        });
      }
      // Letters, digits, punctuation and any script are names.
      const handle = agent.start({
        threadId: `tenant-7/order #1 · 注文 ${'x'.repeat(900)}`,
        input: undefined,
      });
      expect(handle.threadId).toHaveLength(923);
      await handle.stop();
      await agent.close();
    });

    it('refuses thread ids that are not non-empty strings', async () => {
      const agent = createAgent({ machine, checkpointer: stores_[kind]() });
      for (const threadId of ['', 42, null]) {
        expect(() => agent.start({ threadId: threadId as never, input: undefined })).toThrow(
          /a thread id is a non-empty string/,
        );
        await expect(agent.send(threadId as never, { type: 'go' })).rejects.toMatchObject({
          code: 'definition.invalid_option',
        });
        await expect(agent.resume(threadId as never)).rejects.toMatchObject({
          code: 'definition.invalid_option',
        });
      }
      for (const read of [
        () => agent.getCheckpoint(undefined as never),
        () => agent.journal('' as never),
        () => agent.history(7 as never),
        () => agent.replay(null as never),
      ]) {
        await expect(read()).rejects.toMatchObject({ code: 'definition.invalid_option' });
      }
      await expect(agent.send(undefined as never, { type: 'go' })).rejects.toMatchObject({
        code: 'definition.invalid_option',
        message: expect.stringContaining('a thread id is a non-empty string, got nothing.'),
      });
      await agent.close();
    });
  },
);

describe('a start under an id another run holds (issue 9)', () => {
  it('says what a start can do, not what a resume can', async () => {
    const store = stores.open();
    // A process that died between taking the lease and its run's first checkpoint.
    await store.acquireLease('t', { owner: 'gone', ttlMs: 30_000, now: Date.now() });
    const agent = createAgent({ machine, checkpointer: store });
    const refused = await agent
      .start({ threadId: 't', input: undefined })
      .result()
      .catch((error: unknown) => error);
    expect(refused).toMatchObject({
      code: 'run.already_running',
      cause: { code: 'checkpoint.lease_held' },
    });
    const { message } = refused as { message: string };
    expect(message).toMatch(/cannot start: another run holds this thread id/);
    expect(message).toMatch(/Start the new thread under another id/);
    // A start's own force option (a resume's words would name one a start does not read).
    expect(message).toContain('agent.start({ threadId: "t", input, force: true })');
    expect(message).not.toMatch(/take the thread with \{ force: true \}/);
    await agent.close();
  });
});
