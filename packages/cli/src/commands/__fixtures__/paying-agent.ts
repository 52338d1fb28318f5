import { agentFactory, createAgent, defineTool, toolCall } from '@agentchart/core';
import { setup } from 'xstate';
import { z } from 'zod';

/** Every payment the tool made, for the tests to read. */
export const paid: unknown[] = [];

const pay = defineTool({
  name: 'pay',
  description: 'Pay someone',
  effect: 'unsafe',
  input: z.object({ to: z.string(), amount: z.number() }),
  output: z.string(),
  execute: async (input) => {
    paid.push(input);
    return 'paid';
  },
});

/** One payment, asked of a person first. */
export const payingMachine = setup({
  actors: { pay: toolCall(pay, { approval: 'always' }) },
}).createMachine({
  id: 'payer',
  initial: 'paying',
  states: {
    paying: {
      invoke: { src: 'pay', input: { to: 'alice@example.com', amount: 1 }, onDone: 'done' },
    },
    done: { type: 'final' },
  },
});

/** One payment, which a person approves first (an approval wait, not a `humanWait`). */
export const payer = agentFactory((host) => createAgent({ machine: payingMachine, ...host }));
