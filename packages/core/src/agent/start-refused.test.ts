import { afterEach, describe, expect, it } from 'vitest';
import { assign, setup } from 'xstate';
import { z } from 'zod';
import { tempStores } from '../../test/fixtures/temp-stores';
import { agentActor } from '../effects/agent-actor';
import { humanWait } from '../effects/human-wait';
import { structuredCall } from '../effects/structured-call';
import { toolCall } from '../effects/tool-call';
import { MemoryCheckpointer } from '../store/memory-checkpointer';
import type { Checkpointer } from '../store/types';
import { scriptedModel } from '../testing/scripted-model';
import { defineTool } from '../tools/define-tool';
import { createAgent } from './create-agent';

/** Asks a model, then waits for a human's yes or no. */
function reviewMachine() {
  return setup({
    actors: {
      classify: structuredCall({
        model: 'fast',
        schema: z.object({ ok: z.boolean() }),
        prompt: () => 'Classify',
      }),
      approve: humanWait({ prompt: () => 'Approve?', reply: z.object({ ok: z.boolean() }) }),
    },
    types: { context: {} as { state: string } },
  }).createMachine({
    id: 'review',
    context: { state: 'new' },
    initial: 'classifying',
    states: {
      classifying: { invoke: { src: 'classify', onDone: 'asking', onError: 'failed' } },
      asking: {
        invoke: {
          src: 'approve',
          onDone: { target: 'approved', actions: assign({ state: 'approved' }) },
        },
      },
      approved: { type: 'final' },
      failed: { type: 'final' },
    },
    output: ({ context }) => context,
  });
}

const approve = { type: 'human.reply', value: { ok: true } } as const;

/** A parent whose child agent waits for a human's yes or no. */
function parentMachine() {
  const child = setup({
    actors: { ask: humanWait({ prompt: () => 'Ship it?', reply: z.object({ ok: z.boolean() }) }) },
  }).createMachine({
    id: 'child',
    initial: 'asking',
    states: { asking: { invoke: { src: 'ask', onDone: 'done' } }, done: { type: 'final' } },
    output: () => ({ shipped: true }),
  });
  const ship = agentActor({
    machine: child,
    input: z.object({}),
    output: z.object({ shipped: z.boolean() }),
  });
  return setup({ actors: { ship } }).createMachine({
    id: 'parent',
    initial: 'shipping',
    states: {
      shipping: { invoke: { src: 'ship', input: {}, onDone: 'done' } },
      done: { type: 'final' },
    },
  });
}

/** An agent of its own (another process's, as far as the thread goes) on `checkpointer`. */
function reviewAgent(checkpointer: Checkpointer, evictWaiting = true) {
  const model = scriptedModel({ handler: () => ({ json: { ok: true } }) });
  return {
    model,
    agent: createAgent({
      machine: reviewMachine(),
      models: { fast: model },
      checkpointer,
      evictWaiting,
    }),
  };
}

/** What a store holds of a thread: its checkpoints, its journal and its lease. */
async function storedThread(checkpointer: Checkpointer, threadId: string) {
  return {
    checkpoints: await checkpointer.list(threadId),
    journal: await checkpointer.listEffects(threadId),
    lease: await checkpointer.getLease(threadId),
  };
}

let stores: ReturnType<typeof tempStores> | undefined;
afterEach(() => {
  stores?.cleanup();
  stores = undefined;
});

describe('a start under a thread id another process started (issue: reported failed, not refused)', () => {
  const storesOf = {
    memory: () => {
      const shared = new MemoryCheckpointer();
      return [shared, shared] as const;
    },
    sqlite: () => {
      stores = tempStores();
      return [stores.open(), stores.open()] as const;
    },
  };

  it.each(['memory', 'sqlite'] as const)(
    'rejects with run.already_running when the thread exists (%s), storing nothing',
    async (kind) => {
      const [first, second] = storesOf[kind]();
      const owner = reviewAgent(first);
      expect((await owner.agent.start({ threadId: 't', input: {} }).result()).status).toBe(
        'waiting',
      );
      const before = await storedThread(first, 't');
      const other = reviewAgent(second);

      const refused = other.agent.run({ threadId: 't', input: {} });
      await expect(refused).rejects.toMatchObject({
        code: 'run.already_running',
        cause: { code: 'checkpoint.conflict' },
      });
      await expect(refused).rejects.toThrow(/agent\.resume\("t"\)/);
      // Nor how far the thread has gone (issue: the start of another tenant learnt it).
      await expect(refused).rejects.not.toThrow(/checkpoint \d/);
      await expect(other.agent.start({ threadId: 't', input: {} }).result()).rejects.toMatchObject({
        code: 'run.already_running',
      });
      expect(other.model.requests).toHaveLength(0);
      // The refused start held the free lease for the moment its first checkpoint took to be
      // refused, and gave it up: the checkpoints and the journal are as they were.
      const after = await storedThread(first, 't');
      expect({ ...after, lease: undefined }).toEqual({ ...before, lease: undefined });
      expect(after.lease?.expiresAt).toBe(0);

      // The thread goes on where its owner left it.
      const done = await (await owner.agent.send('t', approve)).result();
      expect(done).toMatchObject({ status: 'done', output: { state: 'approved' } });
      await Promise.all([owner.agent.close(), other.agent.close()]);
    },
  );

  it.each(['memory', 'sqlite'] as const)(
    'stores nothing of a pure tool a refused start ran on the guess the thread was new (%s)',
    async (kind) => {
      // A pure tool's step does not wait for a new thread's first checkpoint (one commit less a
      // run): under an id another process started, it may run, and its result must go nowhere.
      const [first, second] = storesOf[kind]();
      let runs = 0;
      const double = defineTool({
        name: 'double',
        description: 'Doubles a number.',
        input: z.number(),
        output: z.number(),
        effect: 'pure',
        execute: async (n) => {
          runs++;
          return n * 2;
        },
      });
      const machine = setup({
        types: { context: {} as { n: number } },
        actors: {
          double: toolCall(double),
          ask: humanWait({ prompt: () => 'Keep it?', reply: z.boolean() }),
        },
      }).createMachine({
        id: 'doubling',
        context: { n: 1 },
        initial: 'doubling',
        states: {
          doubling: {
            invoke: {
              src: 'double',
              input: ({ context }) => context.n,
              onDone: { target: 'asking', actions: assign({ n: ({ event }) => event.output }) },
            },
          },
          asking: { invoke: { src: 'ask', onDone: 'done' } },
          done: { type: 'final' },
        },
      });
      const owner = createAgent({ machine, checkpointer: first });
      expect((await owner.run({ threadId: 'd', input: {} })).status).toBe('waiting');
      const before = await storedThread(first, 'd');
      const other = createAgent({ machine, checkpointer: second });
      await expect(other.run({ threadId: 'd', input: {} })).rejects.toMatchObject({
        code: 'run.already_running',
      });
      expect(runs).toBeLessThanOrEqual(2);
      const after = await storedThread(first, 'd');
      expect({ ...after, lease: undefined }).toEqual({ ...before, lease: undefined });
      await Promise.all([owner.close(), other.close()]);
    },
  );

  it.each(['memory', 'sqlite'] as const)(
    'rejects with run.already_running when the new run would end in its first turn (%s)',
    async (kind) => {
      // Before: a chart with nothing to wait for ends before its first checkpoint is written;
      // that checkpoint's refusal came back as a failed outcome, as if the thread had failed.
      const [first, second] = storesOf[kind]();
      const machine = setup({ types: { context: {} as { n: number } } }).createMachine({
        id: 'instant',
        context: { n: 1 },
        initial: 'counting',
        states: { counting: { always: 'done' }, done: { type: 'final' } },
        output: ({ context }) => context,
      });
      const agentOn = (checkpointer: Checkpointer) =>
        createAgent({ machine, models: {}, checkpointer });
      const owner = agentOn(first);
      expect(await owner.run({ threadId: 't', input: {} })).toMatchObject({ status: 'done' });
      const before = await storedThread(first, 't');

      const other = agentOn(second);
      const refused = other.run({ threadId: 't', input: {} });
      await expect(refused).rejects.toMatchObject({
        code: 'run.already_running',
        cause: { code: 'checkpoint.conflict' },
      });
      await expect(owner.run({ threadId: 't', input: {} })).rejects.toMatchObject({
        code: 'run.already_running',
      });
      const after = await storedThread(first, 't');
      expect({ ...after, lease: undefined }).toEqual({ ...before, lease: undefined });
      await Promise.all([owner.close(), other.close()]);
    },
  );

  it.each(['memory', 'sqlite'] as const)(
    'rejects with run.already_running while another process holds the thread (%s)',
    async (kind) => {
      const [first, second] = storesOf[kind]();
      const owner = reviewAgent(first, false);
      const handle = owner.agent.start({ threadId: 't', input: {} });
      expect((await handle.result()).status).toBe('waiting');
      const before = await storedThread(first, 't');
      const other = reviewAgent(second);

      await expect(other.agent.run({ threadId: 't', input: {} })).rejects.toMatchObject({
        code: 'run.already_running',
        cause: { code: 'checkpoint.lease_held' },
      });
      expect(await storedThread(first, 't')).toEqual(before);

      handle.reply({ ok: true });
      expect(await handle.result()).toMatchObject({ status: 'done' });
      await Promise.all([owner.agent.close(), other.agent.close()]);
    },
  );

  it.each(['memory', 'sqlite'] as const)(
    'tells a start of another tenant that the id is held, not which run holds it or for how long (%s)',
    async (kind) => {
      const [first, second] = storesOf[kind]();
      const owner = reviewAgent(first, false);
      const handle = owner.agent.start({ threadId: 't', input: {}, tenantId: 'b' });
      expect((await handle.result()).status).toBe('waiting');
      const lease = await first.getLease('t');
      const other = reviewAgent(second);

      const refused = (await other.agent
        .run({ threadId: 't', input: {}, tenantId: 'a' })
        .catch((error: unknown) => error)) as Error;
      expect(refused).toMatchObject({
        code: 'run.already_running',
        cause: { code: 'checkpoint.lease_held' },
      });
      // What happened and what to do, as for a thread stored under the id.
      expect(refused.message).toMatch(/cannot start: another run holds this thread id/);
      expect(refused.message).toContain('Start the new thread under another id');
      // Before: `run "<owner>" holds it for 29998 ms more (until <date>)`, in the message and
      // in its cause's, to a caller who may be another tenant.
      const told: string[] = [];
      for (let error: unknown = refused; error instanceof Error; error = error.cause) {
        told.push(error.message, JSON.stringify(error));
      }
      for (const text of told) {
        expect(text).not.toContain(lease!.owner);
        expect(text).not.toMatch(/ms more|\d{4}-\d\d-\d\dT/);
      }

      handle.reply({ ok: true });
      expect(await handle.result()).toMatchObject({ status: 'done' });
      await Promise.all([owner.agent.close(), other.agent.close()]);
    },
  );

  it.each(['memory', 'sqlite'] as const)(
    'tells run.end listeners the start was refused, not that the thread failed (%s)',
    async (kind) => {
      const [first, second] = storesOf[kind]();
      const owner = reviewAgent(first, false);
      const handle = owner.agent.start({ threadId: 't', input: {} });
      expect((await handle.result()).status).toBe('waiting');
      const other = reviewAgent(second);
      const ends: unknown[] = [];
      other.agent.events.on('run.end', (event) => ends.push(event));

      // Held by its owner, then existing once its owner let go: both starts are refused.
      await expect(other.agent.run({ threadId: 't', input: {} })).rejects.toMatchObject({
        code: 'run.already_running',
      });
      handle.reply({ ok: true });
      expect(await handle.result()).toMatchObject({ status: 'done' });
      await expect(other.agent.run({ threadId: 't', input: {} })).rejects.toMatchObject({
        code: 'run.already_running',
      });
      // Before: two plain `failed` ends, as if thread t had failed.
      expect(ends).toEqual([
        expect.objectContaining({
          threadId: 't',
          status: 'failed',
          refused: true,
          error: expect.objectContaining({ code: 'checkpoint.lease_held' }),
        }),
        expect.objectContaining({
          threadId: 't',
          status: 'failed',
          refused: true,
          error: expect.objectContaining({ code: 'checkpoint.conflict' }),
        }),
      ]);
      await Promise.all([owner.agent.close(), other.agent.close()]);
    },
  );

  it('does not call a run of its own that failed at once refused', async () => {
    const failing = setup({}).createMachine({
      id: 'failing',
      entry: () => {
        throw new Error('the chart broke');
      },
    });
    const agent = createAgent({ machine: failing });
    const ends: unknown[] = [];
    agent.events.on('run.end', (event) => ends.push(event));
    expect(await agent.run({ threadId: 'f', input: undefined })).toMatchObject({
      status: 'failed',
    });
    expect(ends).toHaveLength(1);
    expect(ends[0]).toMatchObject({ status: 'failed' });
    expect(ends[0]).not.toHaveProperty('refused');
  });

  it("leaves the other process's child threads alone: the refused start reads none of the thread's journal", async () => {
    stores = tempStores();
    const checkpointer = stores.open();
    const owner = createAgent({ machine: parentMachine(), checkpointer });
    expect((await owner.start({ threadId: 'p', input: {} }).result()).status).toBe('waiting');
    const threads = await checkpointer.listThreads();
    const other = createAgent({ machine: parentMachine(), checkpointer: stores.open() });

    await expect(other.run({ threadId: 'p', input: {} })).rejects.toMatchObject({
      code: 'run.already_running',
    });
    await other.close();
    // Before: the refused start found the parent's journal naming its child, restored the
    // child's thread, and stored it `stopped` when the start failed.
    expect(await checkpointer.listThreads()).toEqual(threads);
    const done = await (await owner.send('p', approve)).result();
    expect(done.status).toBe('done');
    await owner.close();
  });
});
