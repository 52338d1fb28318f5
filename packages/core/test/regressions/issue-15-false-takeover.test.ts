/**
 * Issue 15 — the scale-out stall: a thread stored `running`, its lease renewed by a live
 * worker, its job active, and nothing moving. A run's heartbeat renewed the lease while the
 * store was still taking it; the renewal found no lease of the run's and stopped a healthy run
 * as taken over. The stopped run still wrote the checkpoint it had asked for, built from its
 * stopped actor and stored `running`. A resume of that checkpoint restarted nothing and never
 * came to rest, holding the thread for good (since issue 9's fix for ended threads it would
 * end `stopped`, leaving the thread `running` for a scheduler to wake again and again).
 */

import {
  type Checkpoint,
  createAgent,
  defineTool,
  MemoryCheckpointer,
  toolCall,
} from '@agentchart/core';
import { manualClock } from '@agentchart/core/testing';
import { describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { z } from 'zod';

const leaseTtlMs = 3_000;
/** One beat of an agent's lease heartbeat: a third of the lease's time to live. */
const beatMs = leaseTtlMs / 3;

/**
 * An order checked, then shipped once by an unsafe tool whose own record says whether it
 * acted. `holdFirstShipment`: the first shipment waits until it is aborted, unshipped (a run
 * stopped mid-step); later ones ship at once.
 */
function shippingMachine(shipped: string[], { holdFirstShipment = false } = {}) {
  let shipments = 0;
  const check = defineTool({
    name: 'check',
    description: 'Checks the order may ship.',
    input: z.object({ order: z.string() }),
    output: z.object({ ok: z.boolean() }),
    effect: 'idempotent',
    execute: async () => ({ ok: true }),
  });
  const ship = defineTool({
    name: 'ship',
    description: 'Ships the order.',
    input: z.object({ order: z.string() }),
    output: z.object({ shipped: z.boolean() }),
    effect: 'unsafe',
    execute: async ({ order }, { idempotencyKey, signal }) => {
      shipments++;
      if (holdFirstShipment && shipments === 1) {
        await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
        throw signal.reason;
      }
      shipped.push(`${order} ${idempotencyKey}`);
      return { shipped: true };
    },
    reconcile: async ({ order }, { idempotencyKey }) =>
      shipped.includes(`${order} ${idempotencyKey}`)
        ? { status: 'completed' as const, output: { shipped: true } }
        : { status: 'not_executed' as const },
  });
  const input = ({ context }: { context: { order: string } }) => ({ order: context.order });
  return setup({
    types: { input: {} as { order: string }, context: {} as { order: string } },
    actors: { check: toolCall(check), ship: toolCall(ship) },
  }).createMachine({
    id: 'shipping',
    context: ({ input }) => ({ order: input.order }),
    initial: 'checking',
    states: {
      checking: { invoke: { src: 'check', input, onDone: 'shipping' } },
      shipping: { invoke: { src: 'ship', input, onDone: 'done' } },
      done: { type: 'final' },
    },
  });
}

/** A store that takes leases only when the test lets it: a round trip longer than a beat. */
class SlowLeaseStore extends MemoryCheckpointer {
  #letTake: () => void = () => undefined;
  readonly #taking = new Promise<void>((resolve) => {
    this.#letTake = resolve;
  });
  override async acquireLease(...args: Parameters<MemoryCheckpointer['acquireLease']>) {
    await this.#taking;
    return super.acquireLease(...args);
  }
  letTake(): void {
    this.#letTake();
  }
}

/**
 * A store that holds checkpoint writes while shut, and answers the next heartbeat as if the
 * run's lease were another's when told to, though the lease is still the run's.
 */
class DenyingStore extends MemoryCheckpointer {
  denyNextRenewal = false;
  #shut = false;
  #gates: (() => void)[] = [];
  shut(): void {
    this.#shut = true;
  }
  open(): void {
    this.#shut = false;
    this.#openFor = Number.POSITIVE_INFINITY;
    for (const gate of this.#gates.splice(0)) gate();
  }
  /** Saves let through before the store shuts; see `shutAfter`. */
  #openFor = Number.POSITIVE_INFINITY;
  /** Shuts once `saves` more checkpoints are stored. */
  shutAfter(saves: number): void {
    this.#openFor = saves;
  }
  override async save(checkpoint: Checkpoint) {
    if (this.#openFor-- <= 0) this.#shut = true;
    if (this.#shut) await new Promise<void>((resolve) => this.#gates.push(resolve));
    return super.save(checkpoint);
  }
  override async renewLeases(...args: Parameters<MemoryCheckpointer['renewLeases']>) {
    if (!this.denyNextRenewal) return super.renewLeases(...args);
    this.denyNextRenewal = false;
    return [];
  }
}

/** Lets pending promise callbacks and immediates run, `turns` times. */
async function settle(turns = 5): Promise<void> {
  for (let turn = 0; turn < turns; turn++) await new Promise((resolve) => setImmediate(resolve));
}

describe('a run and its lease (issue 15)', () => {
  it('is not stopped as taken over when its lease takes longer than a heartbeat to take, and finishes', async () => {
    const shipped: string[] = [];
    const clock = manualClock(1_000_000);
    const checkpointer = new SlowLeaseStore();
    const agent = createAgent({
      machine: shippingMachine(shipped),
      checkpointer,
      clock,
      leaseTtlMs,
    });
    const handle = agent.start({ threadId: 'order-1', input: { order: 'order-1' } });
    // A beat while the store is still taking the lease (a loaded database server).
    await clock.advance(beatMs);
    checkpointer.letTake();
    const outcome = await handle.result();
    // Before: failed with run.taken_over, though no one else had the thread, and its first
    // checkpoint stored the stopped actor as running.
    expect(outcome.status).toBe('done');
    expect(shipped).toHaveLength(1);
    expect((await checkpointer.latest('order-1'))?.run.status).toBe('done');
    await agent.close();
  });

  it('stores nothing more once it is told it lost its thread, so the thread stays resumable', async () => {
    const shipped: string[] = [];
    const clock = manualClock(1_000_000);
    const checkpointer = new DenyingStore();
    const machine = shippingMachine(shipped, { holdFirstShipment: true });
    const first = createAgent({ machine, checkpointer, clock, leaseTtlMs });
    // The first checkpoint creates the thread (a new thread's effects read their journal only
    // once it is theirs); the next is held in the store while the run checks the order and
    // starts shipping it, asking for its next checkpoint meanwhile.
    checkpointer.shutAfter(1);
    const handle = first.start({ threadId: 'order-2', input: { order: 'order-2' } });
    await settle();
    expect(handle.getSnapshot().value).toBe('shipping');
    // The heartbeat hears the lease is not the run's: the run stops as taken over.
    checkpointer.denyNextRenewal = true;
    await clock.advance(beatMs);
    expect(await handle.result()).toMatchObject({
      status: 'failed',
      error: { code: 'run.taken_over' },
    });
    checkpointer.open();
    await settle();
    // Before: a checkpoint built after the run had stopped its actor was stored, `running`
    // with a stopped actor; a resume of it never acted nor came to rest.
    const stored = await checkpointer.latest('order-2');
    expect(stored?.run.status).toBe('running');
    expect(stored?.snapshot).toMatchObject({ status: 'active' });
    // Whoever takes the thread once the lease lapses finishes it, shipping once.
    await clock.advance(leaseTtlMs);
    const second = createAgent({ machine, checkpointer, clock, leaseTtlMs });
    const resumed = await second.resume('order-2');
    expect((await resumed.result()).status).toBe('done');
    expect(shipped).toHaveLength(1);
    await first.close();
    await second.close();
  });

  it('fails the resume of a checkpoint stored running that holds a stopped actor, saying why, and stores the thread failed', async () => {
    const shipped: string[] = [];
    const checkpointer = new MemoryCheckpointer();
    const machine = shippingMachine(shipped);
    const agent = createAgent({ machine, checkpointer });
    await agent.start({ threadId: 'order-3', input: { order: 'order-3' } }).result();
    // What a run that had stopped its actor stored as `running` before this was fixed.
    const first = (await checkpointer.get('order-3', 1))!;
    const head = (await checkpointer.latest('order-3'))!;
    await checkpointer.save({
      ...first,
      version: head.version + 1,
      owner: head.owner,
      snapshot: { ...(first.snapshot as object), status: 'stopped', children: {} },
    });
    const resumed = await agent.resume('order-3');
    const outcome = await Promise.race([resumed.result(), settle(20).then(() => 'never rested')]);
    expect(outcome).toMatchObject({
      status: 'failed',
      error: { code: 'run.not_resumable', message: expect.stringContaining('stopped actor') },
    });
    // Stored failed: a scheduler looking for threads a dead process left running skips it.
    expect((await checkpointer.latest('order-3'))?.run.status).toBe('failed');
    expect(shipped).toHaveLength(1);
    await agent.close();
  });
});
