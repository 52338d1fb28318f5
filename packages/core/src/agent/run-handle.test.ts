import { describe, expect, it } from 'vitest';
import { assign, createMachine, fromPromise, setup } from 'xstate';
import { z } from 'zod';
import { humanWait } from '../effects/human-wait';
import { MemoryCheckpointer } from '../store/memory-checkpointer';
import { SqliteCheckpointer } from '../store/sqlite-checkpointer';
import { manualClock } from '../testing/manual-clock';
import { createAgent } from './create-agent';
import { ReleaseSignalStore } from './release-signal-store.test-support';

function approvalMachine(timeoutMs?: number) {
  return setup({
    actors: {
      approve: humanWait({
        prompt: () => 'Approve?',
        reply: z.object({ ok: z.boolean() }),
        ...(timeoutMs === undefined ? {} : { timeoutMs }),
      }),
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
          onError: { target: 'unanswered', actions: assign({ state: 'unanswered' }) },
        },
      },
      approved: { type: 'final' },
      unanswered: { type: 'final' },
    },
    output: ({ context }) => context,
  });
}

describe('handleOf (a run handle)', () => {
  it('stops a waiting run that left memory: the outcome is stopped, and the store says so', async () => {
    for (const checkpointer of [
      new MemoryCheckpointer(),
      new SqliteCheckpointer({ path: ':memory:' }),
    ]) {
      // Default settings: a waiting run is evicted once its checkpoint is written.
      const agent = createAgent({ machine: approvalMachine(), checkpointer });
      const ends: string[] = [];
      agent.events.on('run.end', (event) => ends.push(event.status));
      const handle = agent.start({ threadId: 't', input: {} });
      expect((await handle.result()).status).toBe('waiting');
      // Before: the evicted run could not move, and stop() answered its old `waiting` rest.
      expect((await handle.stop()).status).toBe('stopped');
      expect((await handle.result()).status).toBe('stopped');
      expect((await agent.getCheckpoint('t'))?.run.status).toBe('stopped');
      expect(ends).toEqual(['stopped']);
      // Stopped for good: a reply is refused, and a resume finds it stopped.
      await expect(agent.send('t', { type: 'human.reply', value: { ok: true } })).rejects.toThrow(
        /stopped/,
      );
      expect((await (await agent.resume('t')).result()).status).toBe('stopped');
      await agent.close();
    }
  });

  it('stops a waiting thread it was handed by agent.resume()', async () => {
    const checkpointer = new MemoryCheckpointer();
    const agent = createAgent({ machine: approvalMachine(), checkpointer });
    expect((await agent.run({ threadId: 't', input: {} })).status).toBe('waiting');
    const resumed = await agent.resume('t');
    expect((await resumed.result()).status).toBe('waiting');
    expect((await resumed.stop()).status).toBe('stopped');
    expect((await checkpointer.latest('t'))?.run.status).toBe('stopped');
    await agent.close();
  });

  it('refuses to stop a thread that left memory once the agent is closed', async () => {
    const agent = createAgent({ machine: approvalMachine() });
    const handle = agent.start({ threadId: 't', input: {} });
    expect((await handle.result()).status).toBe('waiting');
    await agent.close();
    await expect(handle.stop()).rejects.toMatchObject({ code: 'agent.closed' });
  });

  it('answers a run handed back by close() with that outcome, as before', async () => {
    const checkpointer = new MemoryCheckpointer();
    const agent = createAgent({
      checkpointer,
      machine: setup({
        actors: { slow: fromPromise(() => new Promise((resolve) => setTimeout(resolve, 50))) },
      }).createMachine({
        id: 'slow',
        initial: 'working',
        states: { working: { invoke: { src: 'slow', onDone: 'done' } }, done: { type: 'final' } },
      }),
    });
    const handle = agent.start({ threadId: 's', input: {} });
    await agent.close({ timeoutMs: 0 });
    expect(await handle.stop()).toMatchObject({ status: 'stopped', handedBack: true });
    // Not stopped, as its TSDoc says: the thread goes on where it is resumed.
    expect((await checkpointer.latest('s'))?.run.status).toBe('running');
  });

  it('keeps following its thread when a start under the same id is refused', async () => {
    const clock = manualClock(0);
    const agent = createAgent({ machine: approvalMachine(60_000), clock });
    const handle = agent.start({ threadId: 't', input: {} });
    expect((await handle.result()).status).toBe('waiting');
    const again = agent.start({ threadId: 't', input: {} });
    await expect(again.result()).rejects.toMatchObject({
      code: 'run.already_running',
      cause: { code: 'checkpoint.conflict' },
    });
    // Before: the first handle followed the refused start, and its thread ended `failed` for it.
    expect((await handle.result()).status).toBe('waiting');
    expect(handle.waits()).toHaveLength(1);
    // The thread's deadline still wakes it (before: the refused start dropped its wake-up).
    await clock.advance(60_000);
    expect(await handle.result()).toMatchObject({
      status: 'done',
      output: { state: 'unanswered' },
    });
    await agent.close();
  });

  it('answers its thread after a start under the same id was refused', async () => {
    const agent = createAgent({ machine: approvalMachine() });
    const handle = agent.start({ threadId: 't', input: {} });
    expect((await handle.result()).status).toBe('waiting');
    await expect(agent.start({ threadId: 't', input: {} }).result()).rejects.toMatchObject({
      code: 'run.already_running',
    });
    handle.reply({ ok: true });
    expect(await handle.result()).toMatchObject({
      status: 'done',
      output: { state: 'approved' },
    });
    await agent.close();
  });

  it('delivers a reply made through it before an agent.send() first, to a run that left memory', async () => {
    const checkpointer = new ReleaseSignalStore();
    const agent = createAgent({ machine: verdictMachine, checkpointer });
    const handle = agent.start({ threadId: 't', input: {} });
    expect((await handle.result()).status).toBe('waiting');
    await checkpointer.released;
    handle.reply({ ok: true });
    // Before: the handle's reply went a microtask later, so this send restored the thread and
    // answered the wait first; the reply made first was refused (run.not_waiting).
    await expect(
      agent.send('t', { type: 'human.reply', value: { ok: false } }),
    ).rejects.toMatchObject({ code: 'run.not_waiting' });
    expect(await handle.result()).toMatchObject({ status: 'done', output: { verdict: 'yes' } });
    await agent.close();
  });

  it('gives the snapshot a waiting run rested with once it left memory, children and all', async () => {
    const snapshots = [];
    for (const evictWaiting of [false, true]) {
      const agent = createAgent({ machine: watchedMachine, evictWaiting });
      const handle = agent.start({ threadId: 't', input: {} });
      expect((await handle.result()).status).toBe('waiting');
      const { status, value, context, children } = handle.getSnapshot();
      snapshots.push({ status, value, context, children: Object.keys(children).sort() });
      // The child's own state is there to read, live or not.
      expect(children.watch?.getSnapshot()).toMatchObject({ value: 'watching' });
      await agent.close();
    }
    // Before: the evicted run's said `stopped` with no children, as if the thread had ended.
    expect(snapshots[1]).toEqual(snapshots[0]);
    expect(snapshots[0]).toMatchObject({ status: 'active', children: ['ask', 'watch'] });
  });

  it('follows its thread to the live snapshot of the run restored', async () => {
    const agent = createAgent({ machine: watchedMachine });
    const handle = agent.start({ threadId: 't', input: {} });
    expect((await handle.result()).status).toBe('waiting');
    await agent.resume('t');
    const { children } = handle.getSnapshot();
    expect(children.watch?.getSnapshot().status).toBe('active');
    await agent.close();
  });
});

/** A chart that asks while a child machine watches: two children while it waits. */
const watchedMachine = setup({
  actors: {
    approve: humanWait({ prompt: () => 'Approve?', reply: z.object({ ok: z.boolean() }) }),
    watcher: createMachine({ id: 'watcher', initial: 'watching', states: { watching: {} } }),
  },
}).createMachine({
  id: 'watched',
  initial: 'asking',
  states: {
    asking: {
      invoke: [
        { id: 'ask', src: 'approve', onDone: 'answered' },
        { id: 'watch', src: 'watcher' },
      ],
    },
    answered: { type: 'final' },
  },
});

/** A chart that asks once and keeps the answer. */
const verdictMachine = setup({
  actors: {
    approve: humanWait({ prompt: () => 'Approve?', reply: z.object({ ok: z.boolean() }) }),
  },
  types: { context: {} as { verdict?: string } },
}).createMachine({
  id: 'verdict',
  context: {},
  initial: 'asking',
  states: {
    asking: {
      invoke: {
        src: 'approve',
        onDone: {
          target: 'answered',
          actions: assign({ verdict: ({ event }) => (event.output.ok ? 'yes' : 'no') }),
        },
      },
    },
    answered: { type: 'final' },
  },
  output: ({ context }) => context,
});
