import { describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { z } from 'zod';
import { humanWait } from '../effects/human-wait';
import { MemoryCheckpointer } from '../store/memory-checkpointer';
import type { Checkpoint } from '../store/types';
import { manualClock } from '../testing/manual-clock';
import { createAgent } from './create-agent';
import type { MigrateCheckpoint } from './types';

const approve = humanWait({
  prompt: (input: { order: number }) => `Approve order ${input.order}?`,
  reply: z.object({ approved: z.boolean() }),
  timeoutMs: 3_600_000,
});

/** An order chart whose approval state is called `state`, its invoke given `invokeId` if any. */
function orders(state: string, invokeId?: string) {
  return setup({
    types: { context: {} as { order: number }, input: {} as { order: number } },
    actors: { approve },
  }).createMachine({
    id: 'orders',
    context: ({ input }) => ({ order: input.order }),
    initial: state,
    states: {
      [state]: {
        invoke: {
          ...(invokeId === undefined ? {} : { id: invokeId }),
          src: 'approve',
          input: ({ context }) => ({ order: context.order }),
          onDone: 'done',
          onError: 'expired',
        },
      },
      done: { type: 'final' },
      expired: { type: 'final' },
    },
  });
}

/** A thread of the first version waiting for approval in `review`; its process has exited. */
async function waitingOnVersionOne(checkpointer: MemoryCheckpointer) {
  const agent = createAgent({ machine: orders('review'), checkpointer });
  await agent.start({ threadId: 't', input: { order: 7 } }).result();
  await agent.close();
}

/** The snapshot value rewritten from `review` to `approval`, as a user's migrate would. */
const renameValue: MigrateCheckpoint = (checkpoint) => {
  (checkpoint.snapshot as { value: string }).value = 'approval';
  return checkpoint;
};

const reply = { type: 'human.reply', value: { approved: true } } as const;

describe('checkMigratedSnapshot', () => {
  it('refuses a migrated state value the machine lacks, and leaves the thread waiting (issue 9)', async () => {
    const checkpointer = new MemoryCheckpointer();
    await waitingOnVersionOne(checkpointer);
    const agent = createAgent({
      machine: orders('approval'),
      checkpointer,
      migrate: (checkpoint: Checkpoint) => checkpoint,
    });
    await expect(agent.send('t', reply)).rejects.toMatchObject({
      code: 'checkpoint.invalid_migration',
      message: expect.stringContaining('names "review", which state "orders" does not have'),
    });
    expect((await checkpointer.latest('t'))?.run.status).toBe('waiting');
  });

  it('refuses a renamed state whose effect would finish into an invoke it no longer has (issue 9)', async () => {
    const checkpointer = new MemoryCheckpointer();
    await waitingOnVersionOne(checkpointer);
    const agent = createAgent({ machine: orders('approval'), checkpointer, migrate: renameValue });
    await expect(agent.send('t', reply)).rejects.toMatchObject({
      code: 'checkpoint.invalid_migration',
      message: expect.stringContaining(`invoke: { id: '0.orders.review', … }`),
    });
    const [wait] = await checkpointer.listEffects('t');
    expect(wait?.status).toBe('started');
  });

  it('continues a renamed state that keeps its old invoke id, with the same wait', async () => {
    const checkpointer = new MemoryCheckpointer();
    await waitingOnVersionOne(checkpointer);
    const agent = createAgent({
      machine: orders('approval', '0.orders.review'),
      checkpointer,
      migrate: renameValue,
    });
    const handle = await agent.send('t', reply);
    expect(await handle.result()).toMatchObject({ status: 'done' });
    expect((await checkpointer.listEffects('t')).map((entry) => entry.status)).toEqual([
      'completed',
    ]);
  });

  it('refuses an after timer of a renamed state, which would fire into nothing (issue 9)', async () => {
    const reminder = (state: string) =>
      setup({}).createMachine({
        id: 'remind',
        initial: state,
        states: {
          [state]: { after: { 60000: 'escalated' }, on: { ANSWER: 'answered' } },
          escalated: { type: 'final' },
          answered: { type: 'final' },
        },
      });
    const checkpointer = new MemoryCheckpointer();
    const clock = manualClock(0);
    const first = createAgent({ machine: reminder('pending'), checkpointer, clock });
    expect((await first.start({ threadId: 't', input: {} }).result()).status).toBe('waiting');
    await first.close();
    const renamed = createAgent({
      machine: reminder('open'),
      checkpointer,
      clock,
      migrate: (checkpoint) => {
        (checkpoint.snapshot as { value: string }).value = 'open';
        return checkpoint;
      },
    });
    await expect(renamed.resume('t')).rejects.toMatchObject({
      code: 'checkpoint.invalid_migration',
      message: expect.stringContaining('"xstate.after.60000.remind.open"'),
    });
  });
});

/** A form whose second step is called `step`; help leaves it and comes back through history. */
function form(step: string) {
  return setup({
    actors: { ask: humanWait({ prompt: () => 'How can we help?', reply: z.string() }) },
  }).createMachine({
    id: 'form',
    initial: 'filling',
    states: {
      filling: {
        initial: 'name',
        states: {
          name: { on: { NEXT: step } },
          [step]: { on: { NEXT: 'confirm' } },
          confirm: {},
          resume: { type: 'history' },
        },
        on: { HELP: 'help' },
      },
      help: { invoke: { src: 'ask', onDone: 'filling.resume' } },
    },
  });
}

describe('checkMigratedSnapshot and history states', () => {
  /** A thread of the first version, its form at `address`, waiting in `help`. */
  async function helpAtAddress(checkpointer: MemoryCheckpointer) {
    const agent = createAgent({ machine: form('address'), checkpointer });
    await agent.start({ threadId: 't', input: {} }).result();
    await (await agent.send('t', { type: 'NEXT' })).result();
    await (await agent.send('t', { type: 'HELP' })).result();
    await agent.close();
  }

  it('refuses a history that remembers a renamed state instead of re-entering the default (statechart trial)', async () => {
    const checkpointer = new MemoryCheckpointer();
    await helpAtAddress(checkpointer);
    const renamed = createAgent({ machine: form('postalAddress'), checkpointer });
    await expect(renamed.send('t', { type: 'human.reply', value: 'ok' })).rejects.toMatchObject({
      code: 'checkpoint.version_mismatch',
      message: expect.stringContaining('snapshot.historyValue'),
    });
    const migrated = createAgent({
      machine: form('postalAddress'),
      checkpointer,
      migrate: (checkpoint) => checkpoint,
    });
    await expect(migrated.send('t', { type: 'human.reply', value: 'ok' })).rejects.toMatchObject({
      code: 'checkpoint.invalid_migration',
      message: expect.stringContaining(
        'snapshot.historyValue["form.filling.resume"] remembers state "form.filling.address"',
      ),
    });
    expect((await checkpointer.latest('t'))?.run.status).toBe('waiting');
  });

  it('continues a migrated history at the state it remembered, under its new name', async () => {
    const checkpointer = new MemoryCheckpointer();
    await helpAtAddress(checkpointer);
    const agent = createAgent({
      machine: form('postalAddress'),
      checkpointer,
      migrate: (checkpoint) => {
        const snapshot = checkpoint.snapshot as { historyValue: Record<string, unknown> };
        snapshot.historyValue['form.filling.resume'] = [{ id: 'form.filling.postalAddress' }];
        return checkpoint;
      },
    });
    const handle = await agent.send('t', { type: 'human.reply', value: 'ok' });
    expect((await handle.result()).status).toBe('waiting');
    expect((await checkpointer.latest('t'))?.snapshot).toMatchObject({
      value: { filling: 'postalAddress' },
    });
  });
});
