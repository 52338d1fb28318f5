import { describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { z } from 'zod';
import { humanWait } from '../effects/human-wait';
import { MemoryCheckpointer } from '../store/memory-checkpointer';
import type { Checkpoint } from '../store/types';
import { createAgent } from './create-agent';
import { machineVersionOf, versionWithoutChildMachines } from './inspect-machine';

const approve = humanWait({
  prompt: (input: { order: number }) => `Approve order ${input.order}?`,
  reply: z.object({ approved: z.boolean() }),
  timeoutMs: 3_600_000,
});

/** The approval flow a parent invokes as a child machine; its waiting state is `state`. */
function approvalFlow(state: string) {
  return setup({
    types: { input: {} as { order: number }, context: {} as { order: number } },
    actors: { approve },
  }).createMachine({
    id: 'approval-flow',
    context: ({ input }) => ({ order: input.order }),
    initial: state,
    states: {
      [state]: {
        invoke: {
          id: 'approve',
          src: 'approve',
          input: ({ context }) => ({ order: context.order }),
          onDone: 'approved',
        },
      },
      approved: { type: 'final' },
    },
  });
}

/** Orders whose `approving` state invokes the approval flow, registered under `actorName`. */
function orders(flow: ReturnType<typeof approvalFlow>, actorName = 'flow') {
  return setup({
    types: { context: {} as { order: number }, input: {} as { order: number } },
    actors: { [actorName]: flow },
  }).createMachine({
    id: 'orders',
    context: ({ input }) => ({ order: input.order }),
    initial: 'approving',
    states: {
      approving: {
        invoke: {
          id: 'flow',
          src: actorName,
          input: ({ context }) => ({ order: context.order }),
          onDone: 'done',
        },
      },
      done: { type: 'final' },
    },
  });
}

/** A thread of the first version waiting inside its child flow's `review`; its process exited. */
async function waitingOnVersionOne(checkpointer: MemoryCheckpointer) {
  const agent = createAgent({ machine: orders(approvalFlow('review')), checkpointer });
  const outcome = await agent.start({ threadId: 't', input: { order: 7 } }).result();
  expect(outcome.status).toBe('waiting');
  await agent.close();
}

const reply = { type: 'human.reply', value: { approved: true } } as const;

/** What a user's migrate does that renamed nothing it knew of: the checkpoint as it was. */
const unchanged = (checkpoint: Checkpoint) => checkpoint;

describe('checkMigratedSnapshot and child machines', () => {
  it('refuses a child machine state the new child machine lacks, and leaves the thread waiting', async () => {
    // Restored as it was, the child flow lost its wait: the reply was refused with
    // `run.not_waiting` and the thread rested waiting on nothing, for good.
    const checkpointer = new MemoryCheckpointer();
    await waitingOnVersionOne(checkpointer);
    const stored = (await checkpointer.latest('t'))?.version;
    const agent = createAgent({
      machine: orders(approvalFlow('approval')),
      checkpointer,
      migrate: unchanged,
    });
    await expect(agent.send('t', reply)).rejects.toMatchObject({
      code: 'checkpoint.invalid_migration',
      message: expect.stringContaining(
        'snapshot.children["flow"].snapshot.value "review" names "review", which state "approval-flow" does not have (it has: approval, approved)',
      ),
    });
    // Nothing was written: the thread waits as it was, for the old machine or a better migrate.
    expect(await checkpointer.latest('t')).toMatchObject({
      version: stored,
      run: { status: 'waiting' },
    });
    await agent.close();
  });

  it('continues a migrated child machine at its renamed state, with the same wait', async () => {
    const checkpointer = new MemoryCheckpointer();
    await waitingOnVersionOne(checkpointer);
    const agent = createAgent({
      machine: orders(approvalFlow('approval')),
      checkpointer,
      migrate: (checkpoint: Checkpoint) => {
        const children = (
          checkpoint.snapshot as { children: Record<string, { snapshot: { value: string } }> }
        ).children;
        children.flow!.snapshot.value = 'approval';
        return checkpoint;
      },
    });
    const outcome = await (await agent.send('t', reply)).result();
    expect(outcome.status).toBe('done');
    await agent.close();
  });

  it('refuses a child whose actor was renamed in setup, which XState would drop', async () => {
    const checkpointer = new MemoryCheckpointer();
    await waitingOnVersionOne(checkpointer);
    const stored = (await checkpointer.latest('t'))?.version;
    const agent = createAgent({
      machine: orders(approvalFlow('review'), 'approvalFlow'),
      checkpointer,
      migrate: unchanged,
    });
    await expect(agent.send('t', reply)).rejects.toMatchObject({
      code: 'checkpoint.invalid_migration',
      message: expect.stringContaining(
        'snapshot.children["flow"] was started from actor "flow", which this machine does not have (its setup({ actors }) has: "approvalFlow")',
      ),
    });
    // Nothing was written: the thread waits as it was, for the old machine or a better migrate.
    expect(await checkpointer.latest('t')).toMatchObject({
      version: stored,
      run: { status: 'waiting' },
    });
    await agent.close();
  });

  it('continues a child whose actor name migrate rewrote', async () => {
    const checkpointer = new MemoryCheckpointer();
    await waitingOnVersionOne(checkpointer);
    const agent = createAgent({
      machine: orders(approvalFlow('review'), 'approvalFlow'),
      checkpointer,
      migrate: (checkpoint: Checkpoint) => {
        const children = (checkpoint.snapshot as { children: Record<string, { src: string }> })
          .children;
        children.flow!.src = 'approvalFlow';
        return checkpoint;
      },
    });
    const outcome = await (await agent.send('t', reply)).result();
    expect(outcome.status).toBe('done');
    await agent.close();
  });
});

describe('machine versions and child machines', () => {
  it('changes when a child machine changes, and not for a machine without one', async () => {
    const before = orders(approvalFlow('review'));
    const after = orders(approvalFlow('approval'));
    expect(machineVersionOf(after)).not.toBe(machineVersionOf(before));
    expect(versionWithoutChildMachines(after)).toBe(versionWithoutChildMachines(before));
    expect(versionWithoutChildMachines(approvalFlow('review'))).toBeUndefined();
  });

  it('restores a thread stored under the version without its child machines, as before', async () => {
    const checkpointer = new MemoryCheckpointer();
    await waitingOnVersionOne(checkpointer);
    const machine = orders(approvalFlow('review'));
    // What a release before this one stored: the version of the parent's own definition.
    const stored = (await checkpointer.latest('t'))!;
    const older = new MemoryCheckpointer();
    await older.save({
      ...stored,
      version: 1,
      machineVersion: versionWithoutChildMachines(machine)!,
    });
    for (const entry of await checkpointer.listEffects('t')) await older.putEffect(entry);
    const agent = createAgent({ machine, checkpointer: older });
    const outcome = await (await agent.send('t', reply)).result();
    expect(outcome.status).toBe('done');
    await agent.close();
  });
});
