import { describe, expect, it } from 'vitest';
import { assign, createActor, fromPromise, setup } from 'xstate';
import { createAgent } from '../agent/create-agent';
import { MemoryCheckpointer } from '../store/memory-checkpointer';
import { SnapshotSealer } from './sealed-snapshot';

/**
 * Three steps, each adding an entry to the log: through `assign` (`false`), in place (`true`),
 * or (`'after-first'`) the last in place into the log the step before made anew.
 */
function logger(inPlace: boolean | 'after-first', { sameTurn = false } = {}) {
  return setup({
    types: { context: {} as { log: string[] } },
    actors: {
      work: fromPromise(async ({ input }: { input: number }) => {
        // Each step in a turn of its own: a run writes a checkpoint once per turn. With
        // `'after-first'`, the first step in a turn after the run's start, the others in it too.
        if (!sameTurn || (inPlace === 'after-first' && input === 0)) {
          await new Promise((resolve) => setImmediate(resolve));
        }
        return `step ${input}`;
      }),
    },
    actions: {
      record:
        inPlace === true
          ? ({ context, event }) => {
              context.log.push((event as unknown as { output: string }).output);
            }
          : assign({
              log: ({ context, event }) => {
                const output = (event as unknown as { output: string }).output;
                if (inPlace === false || context.log.length < 2) return [...context.log, output];
                context.log.push(output);
                return context.log;
              },
            }),
    },
  }).createMachine({
    id: 'logger',
    context: () => ({ log: [] }),
    initial: 'working',
    states: {
      working: {
        invoke: {
          src: 'work',
          input: ({ context }) => context.log.length,
          onDone: [
            { guard: ({ context }) => context.log.length >= 2, target: 'done', actions: 'record' },
            { target: 'working', reenter: true, actions: 'record' },
          ],
        },
      },
      done: { type: 'final' },
    },
    output: ({ context }) => context.log,
  });
}

/** A machine with history, a child machine with its own child, and a promise actor. */
function nested() {
  const inner = setup({
    actors: { wait: fromPromise(() => new Promise<never>(() => undefined)) },
  }).createMachine({
    id: 'inner',
    context: { n: 1 },
    initial: 'a',
    states: {
      a: { invoke: { id: 'deep', src: 'wait' }, on: { NEXT: 'b' } },
      b: { type: 'final' },
    },
    output: { finished: true },
  });
  return setup({
    actors: { inner, pause: fromPromise(() => new Promise<never>(() => undefined)) },
  }).createMachine({
    id: 'outer',
    context: { items: [1, 2], nested: { label: 'x' } },
    initial: 'main',
    states: {
      main: {
        type: 'parallel',
        on: { AWAY: 'away' },
        states: {
          left: {
            initial: 'one',
            states: {
              one: { invoke: { id: 'child', src: 'inner' }, on: { GO: 'two' } },
              two: {},
              hist: { type: 'history', history: 'deep' },
            },
          },
          right: { invoke: { id: 'paused', src: 'pause' } },
        },
      },
      away: { on: { BACK: '#outer.main.left.hist' } },
    },
  });
}

describe('SnapshotSealer', () => {
  it("writes what XState's getPersistedSnapshot writes, after each event", () => {
    const actor = createActor(nested()).start();
    const sealer = new SnapshotSealer();
    const check = () => {
      const sealed = sealer.seal(actor);
      expect(JSON.stringify(sealed)).toBe(JSON.stringify(actor.getPersistedSnapshot()));
      return sealed;
    };
    check();
    // A child machine's step shows, though the parent's snapshot is the same object.
    actor.getSnapshot().children.child!.send({ type: 'NEXT' });
    expect(actor.getSnapshot().children.child!.getSnapshot().status).toBe('done');
    check();
    actor.send({ type: 'GO' });
    check();
    actor.send({ type: 'AWAY' });
    // Leaving `main` recorded its history: written as XState writes it.
    expect(JSON.stringify(check())).toContain('"historyValue":{"outer.main.left.hist"');
    actor.send({ type: 'BACK' });
    expect(actor.getSnapshot().matches({ main: { left: 'two' } })).toBe(true);
    check();
    actor.stop();
    check();
  });

  it("writes a finished machine's output and a failed machine's error as XState does", () => {
    const finished = createActor(
      setup({}).createMachine({
        initial: 'a',
        states: { a: { type: 'final' } },
        output: { answer: 42 },
      }),
    ).start();
    const failing = createActor(
      setup({}).createMachine({
        entry: () => {
          throw new Error('boom');
        },
      }),
    );
    failing.subscribe({ error: () => undefined });
    failing.start();
    for (const actor of [finished, failing]) {
      expect(JSON.stringify(new SnapshotSealer().seal(actor))).toBe(
        JSON.stringify(actor.getPersistedSnapshot()),
      );
    }
    expect(failing.getSnapshot().status).toBe('error');
  });

  it('returns the same tree when nothing changed since the last one', () => {
    const actor = createActor(logger(false)).start();
    const sealer = new SnapshotSealer();
    const first = sealer.seal(actor);
    expect(sealer.seal(actor)).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    actor.stop();
  });
});

describe('SnapshotSealer in a run', () => {
  it('stores a context changed through assign, one checkpoint per step', async () => {
    const checkpointer = new MemoryCheckpointer();
    const agent = createAgent({ machine: logger(false), checkpointer });
    const outcome = await agent.run({ threadId: 't', input: undefined });
    expect(outcome).toMatchObject({ status: 'done', output: ['step 0', 'step 1', 'step 2'] });
    const stored = await checkpointer.latest('t');
    expect(stored?.snapshot).toMatchObject({
      context: { log: ['step 0', 'step 1', 'step 2'] },
    });
    // What a store hands back is the caller's to change (a restore changes it).
    expect(Object.isFrozen((stored!.snapshot as { context: object }).context)).toBe(false);
  });

  it('fails a run that changes its context in place with run.context_mutated, saying what to write instead', async () => {
    const agent = createAgent({ machine: logger(true) });
    const outcome = await agent.run({ threadId: 't', input: undefined });
    expect(outcome).toMatchObject({ status: 'failed', error: { code: 'run.context_mutated' } });
    expect(outcome.status === 'failed' && outcome.error.message).toMatch(/assign/);
    // The store says why, after the process is gone.
    const stored = await agent.getCheckpoint('t');
    expect(stored?.run).toMatchObject({
      status: 'failed',
      error: { code: 'run.context_mutated', message: expect.stringMatching(/assign/) },
    });
  });

  it('writes steps taken within one turn as one checkpoint, of the latest state', async () => {
    const checkpointer = new MemoryCheckpointer();
    const agent = createAgent({ machine: logger(false, { sameTurn: true }), checkpointer });
    const outcome = await agent.run({ threadId: 't', input: undefined });
    expect(outcome).toMatchObject({ status: 'done', output: ['step 0', 'step 1', 'step 2'] });
    // Every step came within the first turn: its one checkpoint is the last state.
    expect((await checkpointer.list('t')).map(({ status }) => status)).toEqual(['done']);
    expect((await checkpointer.latest('t'))?.snapshot).toMatchObject({
      context: { log: ['step 0', 'step 1', 'step 2'] },
    });
  });

  it('lets a step change in place what no checkpoint holds yet: the next one stores it', async () => {
    const checkpointer = new MemoryCheckpointer();
    const agent = createAgent({ machine: logger('after-first', { sameTurn: true }), checkpointer });
    const outcome = await agent.run({ threadId: 't', input: undefined });
    // The log the second step made was first stored after the third changed it: nothing a
    // checkpoint held was changed.
    expect(outcome).toMatchObject({ status: 'done', output: ['step 0', 'step 1', 'step 2'] });
    expect((await checkpointer.latest('t'))?.snapshot).toMatchObject({
      context: { log: ['step 0', 'step 1', 'step 2'] },
    });
  });

  it('with freezeContext false, stores changes made in place', async () => {
    const checkpointer = new MemoryCheckpointer();
    const agent = createAgent({ machine: logger(true), checkpointer, freezeContext: false });
    const outcome = await agent.run({ threadId: 't', input: undefined });
    expect(outcome).toMatchObject({ status: 'done', output: ['step 0', 'step 1', 'step 2'] });
    const logs = await Promise.all(
      (await checkpointer.list('t')).map(async ({ version }) => {
        const stored = await checkpointer.get('t', version);
        return (stored!.snapshot as { context: { log: string[] } }).context.log;
      }),
    );
    // Each checkpoint holds the log as it was then, not the array the machine kept changing.
    expect(logs.length).toBeGreaterThan(1);
    expect(logs[0]!.length).toBeLessThan(3);
    expect(logs.at(-1)).toEqual(['step 0', 'step 1', 'step 2']);
  });
});
