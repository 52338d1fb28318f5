import { describe, expect, it } from 'vitest';
import { assign, setup } from 'xstate';
import { z } from 'zod';
import { createAgent } from '../agent/create-agent';
import { MemoryCheckpointer } from '../store/memory-checkpointer';
import { manualClock } from '../testing/manual-clock';
import { defineTool } from '../tools/define-tool';
import { requestApproval } from './request-approval';
import { toolCall } from './tool-call';
import type { ApprovalGrant } from './use-approval-grant';

interface Payment {
  to: string;
  amount: number;
}

/** A chart that asks for a grant, waits for `go`, then pays on the grant. */
function paymentAgent({ clock = manualClock(0), validForMs = 60_000 } = {}) {
  const paid: Payment[] = [];
  const pay = defineTool({
    name: 'pay',
    description: 'Pays someone.',
    input: z.object({ to: z.string(), amount: z.number().positive() }),
    output: z.object({ receipt: z.string() }),
    effect: 'unsafe',
    execute: async (payment) => {
      paid.push(payment);
      return { receipt: `r${paid.length}` };
    },
  });
  const machine = setup({
    types: {
      input: {} as Payment,
      context: {} as {
        payment: Payment;
        grant?: ApprovalGrant;
        receipt?: string;
        error?: { code: string; details?: { reason?: string } };
      },
      events: {} as
        | { type: 'amend'; amount: number }
        | { type: 'go' }
        | { type: 'forge'; grant: ApprovalGrant }
        | { type: 'ask' },
    },
    actors: {
      approve: requestApproval(pay, { validForMs }),
      pay: toolCall(pay, { approval: 'grant' }),
    },
  }).createMachine({
    id: 'payment',
    context: ({ input }) => ({ payment: input }),
    initial: 'approving',
    on: {
      amend: {
        actions: assign({
          payment: ({ context, event }) => ({ ...context.payment, amount: event.amount }),
        }),
      },
      forge: { actions: assign({ grant: ({ event }) => event.grant }) },
    },
    states: {
      approving: {
        invoke: {
          src: 'approve',
          input: ({ context }) => context.payment,
          onDone: { target: 'ready', actions: assign({ grant: ({ event }) => event.output }) },
          onError: {
            target: 'refused',
            actions: assign({ error: ({ event }) => event.error as never }),
          },
        },
      },
      ready: { on: { go: 'paying' } },
      paying: {
        invoke: {
          src: 'pay',
          input: ({ context }) => ({ input: context.payment, approval: context.grant! }),
          onDone: {
            target: 'ready',
            actions: assign({ receipt: ({ event }) => event.output.receipt }),
          },
          onError: {
            target: 'refused',
            actions: assign({ error: ({ event }) => event.error as never }),
          },
        },
      },
      refused: { on: { ask: 'approving', go: 'paying' } },
    },
  });
  const agent = createAgent({ machine, clock, checkpointer: new MemoryCheckpointer() });
  return { agent, paid, clock };
}

async function approved(agent: ReturnType<typeof paymentAgent>['agent'], payment: Payment) {
  const handle = agent.start({ threadId: 't', input: payment });
  const waiting = await handle.result();
  if (waiting.status !== 'waiting') throw new Error(`expected waiting, got ${waiting.status}`);
  handle.reply({ approved: true });
  await handle.result();
  return { handle, wait: waiting.waits[0]! };
}

describe('requestApproval and toolCall with a grant', () => {
  it('refuses what is not a tool, and misspelt options, where it is given', () => {
    // Before: requestApproval(undefined) threw a TypeError when the agent was created.
    expect(() => requestApproval(undefined as never)).toThrow(
      expect.objectContaining({
        code: 'definition.invalid_option',
        message: expect.stringMatching(
          /^requestApproval: the tool is nothing, not a tool made with defineTool/,
        ),
      }),
    );
  });

  it('asks about the exact arguments and pays exactly those on the grant', async () => {
    const { agent, paid } = paymentAgent();
    const { handle, wait } = await approved(agent, { to: 'alice', amount: 100 });
    expect(wait.approval).toMatchObject({ tool: 'pay', arguments: { to: 'alice', amount: 100 } });
    expect(wait.prompt).toContain('{"amount":100,"to":"alice"}');
    handle.send({ type: 'go' });
    await handle.result();
    expect(paid).toEqual([{ to: 'alice', amount: 100 }]);
    expect(handle.getSnapshot().context.receipt).toBe('r1');
  });

  it('refuses arguments amended after the approval, until a new approval of them', async () => {
    const { agent, paid } = paymentAgent();
    const { handle } = await approved(agent, { to: 'alice', amount: 100 });
    const amend = { type: 'amend' as const, amount: 1_000_000 };
    handle.send(amend);
    handle.send({ type: 'go' });
    await handle.result();
    expect(handle.getSnapshot().context.error).toMatchObject({
      code: 'approval.required',
      details: { reason: 'arguments-changed' },
    });
    expect(paid).toEqual([]);
    handle.send({ type: 'ask' });
    const again = await handle.result();
    expect(again.status === 'waiting' && again.waits[0]?.approval?.arguments).toEqual({
      to: 'alice',
      amount: 1_000_000,
    });
    handle.reply({ approved: true });
    await handle.result();
    handle.send({ type: 'go' });
    await handle.result();
    expect(paid).toEqual([{ to: 'alice', amount: 1_000_000 }]);
  });

  it('serves one call: a second call on the same grant is refused', async () => {
    const { agent, paid } = paymentAgent();
    const { handle } = await approved(agent, { to: 'alice', amount: 100 });
    handle.send({ type: 'go' });
    await handle.result();
    handle.send({ type: 'go' });
    await handle.result();
    expect(handle.getSnapshot().context.error).toMatchObject({
      code: 'approval.required',
      details: { reason: 'used' },
    });
    expect(paid).toHaveLength(1);
  });

  it('expires: a grant used after validForMs is refused with approval.expired', async () => {
    const { agent, paid, clock } = paymentAgent({ validForMs: 1_000 });
    const { handle } = await approved(agent, { to: 'alice', amount: 100 });
    await clock.advance(1_001);
    handle.send({ type: 'go' });
    await handle.result();
    expect(handle.getSnapshot().context.error).toMatchObject({ code: 'approval.expired' });
    expect(paid).toEqual([]);
  });

  it('grants nothing from a forged grant, or one extended in the context', async () => {
    const { agent, paid } = paymentAgent({ validForMs: 1_000 });
    const { handle } = await approved(agent, { to: 'alice', amount: 100 });
    const real = handle.getSnapshot().context.grant!;
    const forge = { type: 'forge' as const, grant: { ...real, id: `${real.id}x` } };
    handle.send(forge);
    handle.send({ type: 'go' });
    await handle.result();
    expect(handle.getSnapshot().context.error).toMatchObject({
      code: 'approval.required',
      details: { reason: 'not-approved' },
    });
    expect(paid).toEqual([]);
  });

  it('is not inherited by a fork: the fork has no approval, the source thread still has its own', async () => {
    const { agent, paid } = paymentAgent();
    const { handle } = await approved(agent, { to: 'alice', amount: 100 });
    const fork = await agent.fork({ from: 't', threadId: 'f' });
    await fork.result();
    fork.send({ type: 'go' });
    await fork.result();
    expect(fork.getSnapshot().context.error).toMatchObject({
      code: 'approval.required',
      details: { reason: 'other-thread' },
    });
    handle.send({ type: 'go' });
    await handle.result();
    expect(paid).toEqual([{ to: 'alice', amount: 100 }]);
  });

  it('refuses a reply with fields an approval does not keep, rather than dropping them', async () => {
    const { agent, paid } = paymentAgent();
    const handle = agent.start({ threadId: 't', input: { to: 'mallory', amount: 5 } });
    await handle.result();
    // Before: taken as a rejection whose note was silently dropped (the recorded reply schema
    // says no other field is allowed, and the person's words were lost).
    handle.reply({ approved: false, note: 'unknown payee' });
    await expect(handle.result()).rejects.toMatchObject({
      code: 'human.invalid_reply',
      message: expect.stringContaining('"note"'),
    });
    handle.reply({ approved: false, reason: 'unknown payee' });
    await handle.result();
    expect(handle.getSnapshot().context.error).toMatchObject({
      code: 'approval.rejected',
      details: { reason: 'unknown payee' },
    });
    expect(paid).toEqual([]);
  });

  it('fails with approval.rejected when the person says no', async () => {
    const { agent, paid } = paymentAgent();
    const handle = agent.start({ threadId: 't', input: { to: 'mallory', amount: 5 } });
    await handle.result();
    handle.reply({ approved: false, reason: 'unknown payee' });
    await handle.result();
    expect(handle.getSnapshot().context.error).toMatchObject({
      code: 'approval.rejected',
      details: { reason: 'unknown payee' },
    });
    expect(paid).toEqual([]);
  });
});

describe('toolCall approval', () => {
  it("asks for the invoke's exact arguments itself when the tool's approval is always", async () => {
    const paid: unknown[] = [];
    const pay = defineTool({
      name: 'pay',
      description: 'Pays someone.',
      input: z.object({ to: z.string(), amount: z.number() }),
      output: z.object({}),
      effect: 'unsafe',
      approval: 'always',
      execute: async (payment) => {
        paid.push(payment);
        return {};
      },
    });
    const machine = setup({ actors: { pay: toolCall(pay) } }).createMachine({
      id: 'pay-now',
      initial: 'paying',
      states: {
        paying: { invoke: { src: 'pay', input: { to: 'bob', amount: 7 }, onDone: 'done' } },
        done: { type: 'final' },
      },
    });
    const agent = createAgent({ machine });
    const handle = agent.start({ input: undefined });
    const waiting = await handle.result();
    expect(waiting).toMatchObject({
      status: 'waiting',
      waits: [{ approval: { tool: 'pay', arguments: { to: 'bob', amount: 7 } } }],
    });
    expect(paid).toEqual([]);
    handle.reply({ approved: true });
    expect((await handle.result()).status).toBe('done');
    expect(paid).toEqual([{ to: 'bob', amount: 7 }]);
  });
});
