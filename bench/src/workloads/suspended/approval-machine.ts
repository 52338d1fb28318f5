import { assign, fromPromise, setup } from 'xstate';
import { finishPayment, type Payment, preparePayment } from './approval-steps';

/** A raw XState machine: prepare the payment, wait in `asking` for a `reply` event, finish. */
export const approvalMachine = setup({
  types: {
    input: {} as string,
    context: {} as { id: string; payment?: Payment; approved: boolean },
    events: {} as { type: 'reply'; approved: boolean },
    output: {} as { paymentId: string; approved: boolean },
  },
  actors: {
    prepare: fromPromise<Payment, string>(({ input }) => preparePayment(input)),
    finish: fromPromise<
      { paymentId: string; approved: boolean },
      { payment: Payment; approved: boolean }
    >(({ input }) => finishPayment(input.payment, { approved: input.approved })),
  },
}).createMachine({
  id: 'approval',
  context: ({ input }) => ({ id: input, approved: false }),
  initial: 'preparing',
  states: {
    preparing: {
      invoke: {
        src: 'prepare',
        input: ({ context }) => context.id,
        onDone: { target: 'asking', actions: assign({ payment: ({ event }) => event.output }) },
      },
    },
    asking: {
      on: {
        reply: {
          target: 'finishing',
          actions: assign({ approved: ({ event }) => event.approved }),
        },
      },
    },
    finishing: {
      invoke: {
        src: 'finish',
        input: ({ context }) => ({ payment: context.payment!, approved: context.approved }),
        onDone: 'done',
      },
    },
    done: { type: 'final' },
  },
  output: ({ context }) => ({ paymentId: context.payment?.id ?? '', approved: context.approved }),
});
