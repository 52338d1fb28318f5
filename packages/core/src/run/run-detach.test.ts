import { describe, expect, it } from 'vitest';
import { type AnyActorRef, assign, fromPromise, type InspectionEvent, setup } from 'xstate';
import { z } from 'zod';
import { createAgent } from '../agent/create-agent';
import { humanWait } from '../effects/human-wait';
import { toolCall } from '../effects/tool-call';
import { MemoryCheckpointer } from '../store/memory-checkpointer';
import { defineTool } from '../tools/define-tool';
import { runOf } from './run-registry';

/** Two steps of `work` (plain promise work unless told), then done. */
const chainOf = (work = fromPromise(async ({ input }: { input: number }) => input + 1)) =>
  setup({ types: { context: {} as { count: number } }, actors: { work } }).createMachine({
    id: 'chain',
    context: { count: 0 },
    initial: 'one',
    states: {
      one: {
        invoke: {
          src: 'work',
          input: ({ context }) => context.count,
          onDone: { target: 'two', actions: assign({ count: ({ event }) => event.output }) },
        },
      },
      two: {
        invoke: {
          src: 'work',
          input: ({ context }) => context.count,
          onDone: { target: 'done', actions: assign({ count: ({ event }) => event.output }) },
        },
      },
      done: { type: 'final' },
    },
    output: ({ context }) => context,
  });
const chain = chainOf();

const approval = setup({
  actors: { ask: humanWait({ prompt: () => 'Approve?', reply: z.boolean() }) },
}).createMachine({
  id: 'approval',
  initial: 'asking',
  states: { asking: { invoke: { src: 'ask', onDone: 'done' } }, done: { type: 'final' } },
});

/** Collects the root actor of every run the agent starts. */
function rootActors(): { roots: AnyActorRef[]; inspect: (event: InspectionEvent) => void } {
  const roots: AnyActorRef[] = [];
  return {
    roots,
    inspect: (event) => {
      if (event.type === '@xstate.actor' && !(event.actorRef as { _parent?: unknown })._parent) {
        roots.push(event.actorRef as AnyActorRef);
      }
    },
  };
}

/** The observers XState keeps on an actor (a private field). */
const observersOf = (actor: AnyActorRef) =>
  (actor as unknown as { observers: Set<unknown> }).observers;

describe('a run that let go of its actor', () => {
  // A finished run's XState system lives on after it (V8 allocates it in the old generation,
  // collected only by a full collection): while it reached the run, every minor collection
  // kept the run and all it holds alive and promoted it, and the in-memory chain10 benchmark
  // paid for it in garbage collection.
  it('is reached from its XState system no more once it ended', async () => {
    const { roots, inspect } = rootActors();
    const agent = createAgent({ machine: chain, inspect });
    const outcome = await agent.run({ input: undefined });
    expect(outcome).toMatchObject({ status: 'done', output: { count: 2 } });
    await agent.close();
    expect(roots).toHaveLength(1);
    const [root] = roots as [AnyActorRef];
    expect(runOf(root.system)).toBeUndefined();
    expect(observersOf(root).size).toBe(0);
  });

  it('is reached from its XState system no more once evicted, and its thread goes on', async () => {
    const { roots, inspect } = rootActors();
    const checkpointer = new MemoryCheckpointer();
    const agent = createAgent({ machine: approval, inspect, checkpointer });
    const handle = agent.start({ threadId: 'a', input: undefined });
    expect(await handle.result()).toMatchObject({ status: 'waiting' });
    await agent.close();
    const [first] = roots as [AnyActorRef];
    expect(runOf(first.system)).toBeUndefined();
    expect(observersOf(first).size).toBe(0);

    // A later run of the thread has its own system, bound to it while it works.
    const again = createAgent({ machine: approval, inspect, checkpointer });
    const resumed = await again.resume('a');
    await resumed.reply(true);
    expect(await resumed.result()).toMatchObject({ status: 'done' });
    await again.close();
    expect(roots).toHaveLength(2);
    expect(runOf(roots[1]!.system)).toBeUndefined();
  });
});

describe('a run whose journaled results were stored with its checkpoints', () => {
  it('leaves no end-of-turn write behind: runs that end within one turn are not kept until it ends', async () => {
    const increment = defineTool({
      name: 'increment',
      description: 'Adds one to a number.',
      input: z.number(),
      output: z.number(),
      effect: 'pure',
      execute: async (count) => count + 1,
    });
    const agent = createAgent({ machine: chainOf(toolCall(increment)) });
    const immediates = () =>
      process.getActiveResourcesInfo().filter((resource) => resource === 'Immediate').length;
    const before = immediates();
    // Awaiting promises only: the event loop does not turn between these runs.
    for (let run = 0; run < 20; run++) {
      expect(await agent.run({ threadId: `chain-${run}`, input: undefined })).toMatchObject({
        status: 'done',
        output: { count: 2 },
      });
    }
    // Before: one immediate a run, each holding its run's checkpoint writer, lease and run
    // until the turn ended, though every result it was for had been stored.
    expect(immediates() - before).toBe(0);
    // And nothing was lost by calling them off: each run's two results are in its journal.
    for (const threadId of ['chain-0', 'chain-19']) {
      expect(await agent.journal(threadId)).toHaveLength(2);
    }
    await agent.close();
  });
});
