import { describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { z } from 'zod';
import { createAgent } from '../agent/create-agent';
import { MemoryCheckpointer } from '../store/memory-checkpointer';
import { SqliteCheckpointer } from '../store/sqlite-checkpointer';
import type { Checkpointer } from '../store/types';
import { manualClock } from '../testing/manual-clock';
import { defineTool } from '../tools/define-tool';
import { agentActor } from './agent-actor';
import { toolCall } from './tool-call';

/** A parent whose child agent sends one invoice (an unsafe tool), counted in `sent`. */
function invoicingParent(sent: string[]) {
  const sendInvoice = defineTool({
    name: 'send_invoice',
    description: 'Sends an invoice. Acts on the outside world.',
    input: z.object({ amount: z.number() }),
    output: z.object({ invoiceId: z.string() }),
    effect: 'unsafe',
    execute: async (_input, { idempotencyKey }) => {
      sent.push(idempotencyKey);
      return { invoiceId: `inv-${sent.length}` };
    },
  });
  const invoicer = setup({ actors: { send: toolCall(sendInvoice) } }).createMachine({
    id: 'invoicer',
    initial: 'sending',
    states: {
      sending: { invoke: { src: 'send', input: { amount: 120 }, onDone: 'done' } },
      done: { type: 'final' },
    },
    output: () => ({ sent: true }),
  });
  const invoice = agentActor({
    machine: invoicer,
    input: z.object({}),
    output: z.object({ sent: z.boolean() }),
  });
  return setup({ actors: { invoice } }).createMachine({
    id: 'billing',
    initial: 'invoicing',
    states: {
      invoicing: { invoke: { src: 'invoice', input: {}, onDone: 'done' } },
      done: { type: 'final' },
    },
  });
}

const writes = ['save', 'saveWithJournal', 'saveWithLease', 'putEffect', 'putEffects'] as const;

/**
 * `inner`, as a process sees it that dies right after its child agent's thread ended: the
 * parent's first write after the child's final checkpoint (where it journals the child's
 * outcome) never returns, nor does any write after it. Reads go through.
 */
function dyingAfterChild(inner: Checkpointer, parent: string): Checkpointer {
  let childEnded = false;
  let dead = false;
  return new Proxy(inner, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver);
      if (typeof value !== 'function') return value;
      if (!(writes as readonly (string | symbol)[]).includes(name) && !dead) {
        return value.bind(target);
      }
      return (...args: unknown[]) => {
        const first = args[0] as { threadId?: string } | { threadId?: string }[];
        const threadId = Array.isArray(first) ? first[0]?.threadId : first?.threadId;
        if (dead || (childEnded && threadId === parent)) {
          dead = true;
          return new Promise(() => {});
        }
        const status = (first as { run?: { status?: string } }).run?.status;
        if (threadId?.startsWith(`${parent}/`) && status === 'done') childEnded = true;
        return value.apply(target, args);
      };
    },
  });
}

describe.each([
  ['in memory', () => new MemoryCheckpointer()],
  ['on SQLite', () => new SqliteCheckpointer({ path: ':memory:' })],
])('prune and a parent that has not read its ended child (%s)', (_, makeStore) => {
  it("keeps the child's thread, so the resumed parent takes its outcome and its unsafe tool runs once", async () => {
    const store = makeStore();
    const sent: string[] = [];
    const child = 'p/0.billing.invoicing#0';
    // The first process dies once the child's thread is done, before the parent journals it.
    const first = createAgent({
      machine: invoicingParent(sent),
      models: {},
      checkpointer: dyingAfterChild(store, 'p'),
      clock: manualClock(1_000),
    });
    first.start({ threadId: 'p', input: undefined });
    for (let turn = 0; turn < 200 && (await store.latest(child))?.run.status !== 'done'; turn++) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect((await store.latest(child))?.run.status).toBe('done');
    expect((await store.latest('p'))?.run.status).toBe('running');
    expect(sent).toHaveLength(1);

    // A retention job whose age covers the child: the parent is still running.
    const pruned = await store.prune!({
      before: 10_000,
      statuses: ['done', 'failed', 'limit', 'stopped'],
    });

    // Another process, once the dead one's lease lapsed, resumes the parent.
    const second = createAgent({
      machine: invoicingParent(sent),
      models: {},
      checkpointer: store,
      clock: manualClock(1_000 + 3_600_000),
    });
    const outcome = await (await second.resume('p')).result();
    expect(outcome.status).toBe('done');
    // Before, the pruned child ran again from the start: the invoice went out twice.
    expect(sent).toHaveLength(1);
    expect(pruned.threads).toBe(0);
    await second.close();
  });
});
