import { agentActor, agentFactory, createAgent, humanWait, structuredCall } from '@agentchart/core';
import { scriptedModel } from '@agentchart/core/testing';
import { setup } from 'xstate';
import { z } from 'zod';

/** What the tests change: the latency of the child's model call. */
export const deskControl = { latencyMs: 0 };

/**
 * A child agent that drafts a refund note, then waits for a person to approve it; `logged`
 * is a later deploy's chart, which logs the approval in a state of its own.
 */
function approverMachine(logged: boolean) {
  return setup({
    actors: {
      draft: structuredCall({
        model: 'fast',
        schema: z.object({ note: z.string() }),
        prompt: (amount: number) => `Draft a note for a refund of ${amount} EUR.`,
      }),
      approve: humanWait({
        prompt: () => 'Send this refund note?',
        reply: z.object({ approved: z.boolean() }),
      }),
    },
  }).createMachine({
    id: 'approver',
    context: ({ input }: { input: { amount: number } }) => ({ amount: input.amount }),
    initial: 'drafting',
    states: {
      drafting: {
        invoke: { src: 'draft', input: ({ context }) => context.amount, onDone: 'approving' },
      },
      approving: { invoke: { src: 'approve', onDone: logged ? 'logging' : 'done' } },
      ...(logged ? { logging: { always: 'done' } } : {}),
      done: { type: 'final' },
    },
    output: () => ({ approved: true }),
  });
}

/** A parent agent that hands the approval to its child agent (of the `logged` deploy or not). */
export function deskMachine(logged = false) {
  return setup({
    types: { input: {} as { amount: number } },
    actors: {
      approve: agentActor({
        machine: approverMachine(logged),
        input: z.object({ amount: z.number() }),
        output: z.object({ approved: z.boolean() }),
      }),
    },
  }).createMachine({
    id: 'desk',
    context: ({ input }) => ({ amount: input.amount }),
    initial: 'delegating',
    states: {
      delegating: {
        invoke: {
          src: 'approve',
          input: ({ context }) => ({ amount: context.amount }),
          onDone: 'done',
        },
      },
      done: { type: 'final' },
    },
  });
}

const desk = deskMachine();

export const deskAgent = agentFactory((host) =>
  createAgent({
    machine: desk,
    models: {
      fast: scriptedModel({
        handler: () => ({ json: { note: 'Refunded.' }, latencyMs: deskControl.latencyMs }),
      }),
    },
    ...host,
  }),
);
