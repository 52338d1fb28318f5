import { type Checkpointer, createAgent, humanWait } from '@agentchart/core';
import { assign, fromPromise, setup } from 'xstate';
import { z } from 'zod';
import { finishPayment, type Payment, preparePayment } from './approval-steps';
import { approval, checkApproved, type SuspendedVariant } from './suspended-variant';

/** The agentchart approval agent: prepare, a `humanWait` for the approval, finish. */
function approvalAgent(checkpointer: Checkpointer | undefined, evictWaiting: boolean | undefined) {
  const machine = setup({
    types: {
      input: {} as string,
      context: {} as { id: string; payment?: Payment; approved: boolean },
    },
    actors: {
      prepare: fromPromise<Payment, string>(({ input }) => preparePayment(input)),
      ask: humanWait({
        prompt: () => 'Approve the payment?',
        reply: z.object({ approved: z.boolean() }),
      }),
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
        invoke: {
          src: 'ask',
          onDone: {
            target: 'finishing',
            actions: assign({ approved: ({ event }) => event.output.approved }),
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
    output: ({ context }) => ({
      paymentId: context.payment?.id ?? '',
      approved: context.approved,
    }),
  });
  return createAgent({
    machine,
    ...(checkpointer ? { checkpointer } : {}),
    ...(evictWaiting === undefined ? {} : { evictWaiting }),
  });
}

/**
 * agentchart: each run comes to rest `waiting` on a `humanWait`; replies go through
 * `agent.send`. The store and eviction are createAgent's defaults unless given.
 */
export function agentchartSuspended({
  checkpointer,
  evictWaiting,
}: {
  checkpointer?: Checkpointer;
  /** Drop runs resting `waiting` from memory; default: createAgent's. */
  evictWaiting?: boolean;
} = {}): SuspendedVariant {
  const agent = approvalAgent(checkpointer, evictWaiting);
  return {
    async suspend(ids) {
      const outcomes = await Promise.all(
        ids.map((threadId) => agent.start({ threadId, input: threadId }).result()),
      );
      for (const outcome of outcomes) {
        if (outcome.status !== 'waiting' || outcome.waits.length !== 1) {
          throw new Error(`agentchart: thread ${outcome.threadId} came to rest ${outcome.status}`);
        }
      }
    },
    async replyAndCheck(ids) {
      for (const threadId of ids) {
        const handle = await agent.send(threadId, { type: 'human.reply', value: { ...approval } });
        const outcome = await handle.result();
        checkApproved('agentchart', threadId, outcome.status === 'done' ? outcome.output : outcome);
      }
    },
    // What the store holds: the latest checkpoint and the journal, as JSON.
    async storedBytes(ids) {
      let bytes = 0;
      for (const threadId of ids) {
        bytes += Buffer.byteLength(JSON.stringify(await agent.getCheckpoint(threadId)));
        bytes += Buffer.byteLength(JSON.stringify(await agent.journal(threadId)));
      }
      return bytes;
    },
    close: () => undefined,
  };
}
