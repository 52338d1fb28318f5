import { createAgent, humanWait, toolCall } from '@agentchart/core';
import { calculatorTool } from '@agentchart/tools';
import { and, fromPromise, not, setup, stateIn } from 'xstate';
import { z } from 'zod';

/** A chart using every construct the graph command shows. */
export const checkout = setup({
  actors: { charge: fromPromise(async () => 'receipt') },
  guards: {
    hasItems: () => true,
    isBlocked: () => false,
    withinLimit: (_, _params: { max: number }) => true,
  },
  delays: { paymentTimeout: 30_000 },
}).createMachine({
  id: 'checkout',
  initial: 'cart',
  on: { RESET: '.cart' },
  states: {
    cart: {
      description: 'Items are being picked',
      on: {
        CHECKOUT: { guard: and(['hasItems', not('isBlocked')]), target: 'payment' },
        ADD: { actions: () => {} },
        REFRESH: { target: 'cart', reenter: true },
        '*': { guard: ({ event }) => event.type.startsWith('debug.'), actions: () => {} },
      },
    },
    payment: {
      initial: 'card',
      states: {
        card: {
          invoke: { id: 'charge', src: 'charge', onDone: 'paid', onError: 'declined' },
          after: { paymentTimeout: 'declined' },
        },
        declined: {
          always: { guard: { type: 'withinLimit', params: { max: 3 } }, target: 'card' },
          on: { RETRY: 'card' },
        },
        paid: { type: 'final' },
        hist: { type: 'history', history: 'deep' },
      },
      onDone: 'fulfilment',
    },
    fulfilment: {
      type: 'parallel',
      states: {
        shipping: {
          initial: 'packing',
          states: {
            packing: {
              invoke: { src: fromPromise(async () => 'packed'), onDone: 'shipped' },
              after: {
                1000: { guard: stateIn('#checkout.fulfilment.billing.sent'), target: 'shipped' },
              },
            },
            shipped: { type: 'final' },
          },
        },
        billing: {
          initial: 'pending',
          states: {
            pending: { on: { INVOICE: 'sent' } },
            sent: { type: 'final' },
          },
        },
      },
      onDone: 'done',
    },
    done: { type: 'final' },
  },
});

const reviewMachine = setup({
  actors: {
    calculate: toolCall(calculatorTool()),
    approve: humanWait({ prompt: () => 'Approve?', reply: z.boolean() }),
  },
}).createMachine({
  id: 'review',
  initial: 'calculating',
  states: {
    calculating: {
      invoke: {
        id: 'calc',
        src: 'calculate',
        input: { expression: '1 + 1' },
        onDone: 'approving',
        onError: 'failed',
      },
    },
    approving: { invoke: { src: 'approve', onDone: 'done', onError: 'failed' } },
    done: { type: 'final' },
    failed: { type: 'final' },
  },
});

/** An agent: the graph command reads its `.machine`. */
export const reviewAgent = createAgent({ machine: reviewMachine });

/** The same machine under a second name: listed once, with both names. */
export const sameReviewMachine = reviewMachine;

/** Not a machine: skipped. */
export const answer = 42;
