import {
  agentActor,
  type Checkpoint,
  type Checkpointer,
  defineTool,
  toolCall,
} from '@agentchart/core';
import { assign, setup } from 'xstate';
import { z } from 'zod';

/** A checkpoint of `threadId` at `version` (stored `waiting` at version 3), owned by `owner`. */
export function checkpointOf(threadId: string, version: number, owner?: string): Checkpoint {
  return {
    threadId,
    version,
    machineVersion: 'm1',
    snapshot: { status: 'active', value: 'working', context: { step: version } },
    run: {
      status: version === 3 ? 'waiting' : 'running',
      input: { text: 'hi' },
      startedAt: 1,
      occurrences: { 'a.b': version },
      usage: {
        inputTokens: 0,
        outputTokens: 0,
        costUsd: 0,
        modelCalls: 0,
        toolCalls: 0,
        steps: version,
      },
    },
    createdAt: 1_700_000_000_000 + version,
    ...(owner ? { owner } : {}),
  };
}

/**
 * `steps` states in a row, each a `toolCall` of a tool that adds one, whose result is counted
 * and logged (the state grows a step at a time); its output is the count. An `unsafe` tool
 * journals an intent before it runs and its result after, a `pure` one its result only.
 */
export function toolChain(steps: number, effect: 'pure' | 'unsafe') {
  const increment = defineTool({
    name: 'increment',
    description: 'Adds one to a number.',
    input: z.number(),
    output: z.number(),
    effect,
    execute: async (count: number) => count + 1,
  });
  const states: Record<string, object> = { done: { type: 'final' } };
  for (let index = 0; index < steps; index++) {
    states[`s${index}`] = {
      invoke: {
        src: 'increment',
        input: ({ context }: { context: { count: number; log: string[] } }) => context.count,
        onDone: {
          target: index + 1 < steps ? `s${index + 1}` : 'done',
          actions: assign(({ context, event }) => {
            const count = (event as unknown as { output: number }).output;
            return { count, log: [...context.log, `step ${count} done`] };
          }),
        },
      },
    };
  }
  return setup({
    types: { context: {} as { count: number; log: string[] }, output: {} as number },
    actors: { increment: toolCall(increment) },
  }).createMachine({
    id: 'chain',
    context: { count: 0, log: [] },
    initial: 's0',
    states,
    output: ({ context }) => context.count,
  });
}

/** A parent whose child agent sends one invoice (an unsafe tool), its key pushed to `sent`. */
export function invoicingParent(sent: string[]) {
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

const writes: readonly (string | symbol)[] = [
  'save',
  'saveWithJournal',
  'saveWithLease',
  'putEffect',
  'putEffects',
];

/**
 * `inner`, as a process sees it that dies right after a child agent's thread of `parent`
 * ended: the parent's first write after the child's final checkpoint (where it journals the
 * child's outcome) never returns, nor does any call after it.
 */
export function dyingAfterChild(inner: Checkpointer, parent: string): Checkpointer {
  let childEnded = false;
  let dead = false;
  return new Proxy(inner, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver);
      if (typeof value !== 'function') return value;
      if (!writes.includes(name) && !dead) return value.bind(target);
      return (...args: unknown[]) => {
        const first = args[0] as { threadId?: string; run?: { status?: string } } | undefined;
        const threadId = Array.isArray(first) ? first[0]?.threadId : first?.threadId;
        if (dead || (childEnded && threadId === parent)) {
          dead = true;
          return new Promise(() => {});
        }
        if (threadId?.startsWith(`${parent}/`) && first?.run?.status === 'done') childEnded = true;
        return value.apply(target, args);
      };
    },
  });
}
