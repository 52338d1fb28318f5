import { describe, expect, it } from 'vitest';
import { assign, setup } from 'xstate';
import { z } from 'zod';
import { createAgent } from '../agent/create-agent';
import type { JournalEntry } from '../ledger/types';
import { MemoryCheckpointer } from '../store/memory-checkpointer';
import type { Checkpoint, LeaseChange } from '../store/types';
import { defineTool } from '../tools/define-tool';
import { toolCall } from './tool-call';

/** An unsafe payment that ignores its abort signal and returns once the test lets it. */
function stubbornPay() {
  const paid: string[] = [];
  let letThrough!: () => void;
  const open = new Promise<void>((resolve) => {
    letThrough = resolve;
  });
  let reached!: () => void;
  const started = new Promise<void>((resolve) => {
    reached = resolve;
  });
  const pay = defineTool({
    name: 'pay',
    description: 'Pays; does not stop when asked to.',
    input: z.object({}),
    output: z.object({ receipt: z.string() }),
    effect: 'unsafe',
    approval: 'never',
    execute: async (_input, { idempotencyKey }) => {
      reached();
      await open;
      paid.push(idempotencyKey);
      return { receipt: `r-${paid.length}` };
    },
  });
  return { pay, paid, started, letThrough };
}

function payingMachine(pay: ReturnType<typeof stubbornPay>['pay']) {
  return setup({
    types: { context: {} as { receipt?: string } },
    actors: { pay: toolCall(pay) },
  }).createMachine({
    id: 'paying',
    context: {},
    initial: 'paying',
    states: {
      paying: {
        invoke: {
          src: 'pay',
          input: {},
          onDone: {
            target: 'done',
            actions: assign({ receipt: ({ event }) => event.output.receipt }),
          },
          onError: 'failed',
        },
      },
      done: { type: 'final' },
      failed: { type: 'final' },
    },
    output: ({ context }) => context,
  });
}

/** A store that refuses every checkpoint once `refusing`: a run's end is then not stored. */
class RefusingStore extends MemoryCheckpointer {
  refusing = false;
  override async save(checkpoint: Checkpoint) {
    this.#refuse();
    return super.save(checkpoint);
  }
  override async saveWithJournal(checkpoint: Checkpoint, journal: readonly JournalEntry[]) {
    this.#refuse();
    return super.saveWithJournal(checkpoint, journal);
  }
  override async saveWithLease(
    checkpoint: Checkpoint,
    journal: readonly JournalEntry[],
    lease: LeaseChange,
  ) {
    this.#refuse();
    return super.saveWithLease(checkpoint, journal, lease);
  }
  #refuse(): void {
    if (this.refusing) throw new Error('checkpoint store unavailable');
  }
}

describe("an unsafe tool's result that comes after its run ended", () => {
  it('is kept on the step, which stays started, once the run was stopped', async () => {
    // Before: the step stayed `started` with nothing on it: whether the payment went
    // through was unknown to anyone reading the journal, though the run had seen it.
    const { pay, started, letThrough } = stubbornPay();
    const checkpointer = new MemoryCheckpointer();
    const agent = createAgent({ machine: payingMachine(pay), checkpointer });
    const handle = agent.start({ threadId: 's', input: {} });
    await started;
    await handle.stop();
    expect(await handle.result()).toMatchObject({ status: 'stopped' });
    letThrough();
    // close() waits for the lease kept for the tool, released once its result is written.
    await agent.close();
    expect((await checkpointer.getLease('s'))?.expiresAt).toBe(0);
    const [step] = await checkpointer.listEffects('s');
    expect(step).toMatchObject({
      status: 'started',
      meta: { lateResult: { output: { receipt: 'r-1' }, finishedAt: expect.any(Number) } },
    });
    expect(step).not.toHaveProperty('output');
    // The thread is over as it was: stopped, its usage as the outcome said.
    expect((await checkpointer.latest('s'))?.run.status).toBe('stopped');
  });

  it('settles the step for a resume when the end could not be stored: no reconcile, no effect.ambiguous', async () => {
    // Before: the resumed run found the payment `started`, and without a reconcile hook
    // failed it with effect.ambiguous — a payment the run that stopped had seen succeed.
    const { pay, paid, started, letThrough } = stubbornPay();
    const checkpointer = new RefusingStore();
    const machine = payingMachine(pay);
    const first = createAgent({ machine, checkpointer });
    const handle = first.start({ threadId: 'f', input: {} });
    await started;
    checkpointer.refusing = true;
    await handle.stop();
    letThrough();
    await first.close();
    checkpointer.refusing = false;
    expect((await checkpointer.latest('f'))?.run.status).toBe('running');

    const second = createAgent({ machine, checkpointer });
    const ambiguous: unknown[] = [];
    second.events.on('effect.ambiguous', (event) => ambiguous.push(event));
    const resumed = await second.resume('f');
    expect(await resumed.result()).toMatchObject({
      status: 'done',
      output: { receipt: 'r-1' },
    });
    expect(ambiguous).toEqual([]);
    expect(paid).toHaveLength(1);
    const [step] = await checkpointer.listEffects('f');
    expect(step).toMatchObject({ status: 'completed', output: { receipt: 'r-1' } });
    await second.close();
  });

  it('is not written once the run let its lease lapse: the thread may be another process’s', async () => {
    const { pay, started, letThrough } = stubbornPay();
    const checkpointer = new MemoryCheckpointer();
    const agent = createAgent({ machine: payingMachine(pay), checkpointer, leaseTtlMs: 60 });
    const handle = agent.start({ threadId: 'l', input: {} });
    await started;
    await handle.stop();
    // The lease is kept for the tool one lease time, then left to lapse.
    await agent.close();
    letThrough();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const [step] = await checkpointer.listEffects('l');
    expect(step?.status).toBe('started');
    expect(step?.meta).not.toHaveProperty('lateResult');
  });
});
