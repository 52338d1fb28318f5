import { describe, expect, it } from 'vitest';
import { assign, setup } from 'xstate';
import { z } from 'zod';
import { createAgent } from '../agent/create-agent';
import { MemoryCheckpointer } from '../store/memory-checkpointer';
import { scriptedModel } from '../testing/scripted-model';
import { defineTool } from '../tools/define-tool';
import { agentActor } from './agent-actor';
import { toolCall } from './tool-call';

/** A refund desk: each `refund` event runs a child agent whose refund waits for approval. */
function refundDesk() {
  const paid: string[] = [];
  const refund = defineTool({
    name: 'refund',
    description: 'Refunds an order.',
    input: z.object({ orderId: z.string() }),
    output: z.object({ ok: z.boolean() }),
    effect: 'unsafe',
    approval: 'always',
    execute: async ({ orderId }) => {
      paid.push(orderId);
      return { ok: true };
    },
  });
  const refunder = setup({
    types: { input: {} as { orderId: string }, context: {} as { orderId: string } },
    actors: { pay: toolCall(refund) },
  }).createMachine({
    id: 'refunder',
    context: ({ input }) => ({ orderId: input.orderId }),
    initial: 'paying',
    states: {
      paying: {
        invoke: {
          src: 'pay',
          input: ({ context }) => ({ orderId: context.orderId }),
          onDone: 'done',
        },
      },
      done: { type: 'final' },
    },
    output: () => ({ ok: true }),
  });
  const child = agentActor({
    machine: refunder,
    input: z.object({ orderId: z.string() }),
    output: z.object({ ok: z.boolean() }),
  });
  const desk = setup({
    types: {
      context: {} as { orderId: string; orders: string[] },
      events: {} as { type: 'refund'; orderId: string },
    },
    actors: { refunder: child },
  }).createMachine({
    id: 'desk',
    context: { orderId: '', orders: [] },
    initial: 'idle',
    states: {
      idle: {
        on: {
          refund: {
            target: 'refunding',
            actions: assign({ orderId: ({ event }) => event.orderId }),
          },
        },
      },
      refunding: {
        invoke: {
          id: 'refunder',
          src: 'refunder',
          input: ({ context }) => ({ orderId: context.orderId }),
          onDone: 'idle',
        },
      },
    },
  });
  const agent = createAgent({
    machine: desk,
    models: { fast: scriptedModel({ responses: [] }) },
    checkpointer: new MemoryCheckpointer(),
  });
  return { agent, paid, child };
}

/** Two refunds side by side: the same child agent, invoked from two regions. */
function twoRefunds() {
  const { paid, child } = refundDesk();
  const region = (id: string, orderId: string) => ({
    initial: 'running',
    states: {
      running: { invoke: { id, src: 'refunder' as const, input: { orderId }, onDone: 'done' } },
      done: { type: 'final' as const },
    },
  });
  const machine = setup({ actors: { refunder: child } }).createMachine({
    id: 'pair',
    type: 'parallel',
    states: { first: region('first', 'A1'), second: region('second', 'B2') },
  });
  const agent = createAgent({
    machine,
    models: { fast: scriptedModel({ responses: [] }) },
    checkpointer: new MemoryCheckpointer(),
  });
  return { agent, paid };
}

describe("a child agent's wait, as its parent lists it", () => {
  it("is named per child, so an approval retried for an earlier turn's refund does not pay a later one", async () => {
    const { agent, paid } = refundDesk();
    expect((await agent.run({ threadId: 'chat', input: undefined })).status).toBe('waiting');

    const first = await (await agent.send('chat', { type: 'refund', orderId: 'A1' })).result();
    const firstWait = first.status === 'waiting' ? first.waits[0]!.waitId : '';
    const approval = { type: 'human.reply', value: { approved: true }, waitId: firstWait } as const;
    await (await agent.send('chat', approval)).result();
    expect(paid).toEqual(['A1']);

    // The next turn refunds the same order again: its child asks again, with a wait of its own.
    const second = await (await agent.send('chat', { type: 'refund', orderId: 'A1' })).result();
    const secondWait = second.status === 'waiting' ? second.waits[0]!.waitId : '';
    expect(secondWait).not.toBe(firstWait);

    // The first approval, sent again (a retried request, a double click), names a wait that
    // has closed: refused, and nothing is paid for it.
    await expect(
      agent.send('chat', approval).then((handle) => handle.result()),
    ).rejects.toMatchObject({ code: 'run.not_waiting' });
    expect(paid).toEqual(['A1']);

    await (
      await agent.send('chat', {
        type: 'human.reply',
        value: { approved: true },
        waitId: secondWait,
      })
    ).result();
    expect(paid).toEqual(['A1', 'A1']);
    await agent.close();
  });

  it('is one of its own for each of two children of the same chart side by side', async () => {
    const { agent, paid } = twoRefunds();
    const rest = await agent.run({ threadId: 'pair', input: undefined });
    const waits = rest.status === 'waiting' ? rest.waits : [];
    expect(waits.map((wait) => wait.approval?.arguments)).toEqual([
      { orderId: 'A1' },
      { orderId: 'B2' },
    ]);
    for (const wait of waits) {
      const reply = {
        type: 'human.reply',
        value: { approved: true },
        waitId: wait.waitId,
      } as const;
      await (await agent.send('pair', reply)).result();
    }
    expect(paid.sort()).toEqual(['A1', 'B2']);
    await agent.close();
  });

  it('is named in the events that announce it, where a person answers it', async () => {
    const { agent, paid } = refundDesk();
    const announced: unknown[] = [];
    agent.events.on('human.wait', ({ threadId, waitId, replyTo }) =>
      announced.push({ kind: 'wait', threadId, waitId, replyTo }),
    );
    agent.events.on('approval.request', ({ replyTo }) =>
      announced.push({ kind: 'approval', replyTo }),
    );
    await agent.run({ threadId: 'desk', input: undefined });
    const rest = await (await agent.send('desk', { type: 'refund', orderId: 'A1' })).result();
    const listed = rest.status === 'waiting' ? rest.waits[0]!.waitId : '';
    // Before: the events named only the child's thread and its key, not the id the parent
    // takes the reply under (which a UI listening to events had to build itself).
    const replyTo = { threadId: 'desk', waitId: listed };
    expect(announced).toEqual([
      {
        kind: 'wait',
        threadId: expect.stringMatching(/^desk\//),
        waitId: expect.any(String),
        replyTo,
      },
      { kind: 'approval', replyTo },
    ]);
    await (
      await agent.send(replyTo.threadId, {
        type: 'human.reply',
        value: { approved: true },
        waitId: replyTo.waitId,
      })
    ).result();
    expect(paid).toEqual(['A1']);
    await agent.close();
  });
});
