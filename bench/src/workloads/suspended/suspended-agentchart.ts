import { type Checkpointer, createAgent, humanWait, MemoryCheckpointer } from '@agentchart/core';
import { assign, setup } from 'xstate';
import { z } from 'zod';
import { approval, checkApproved, type SuspendedVariant } from './suspended-variant';

/** The agentchart approval agent: one state invoking `humanWait`. */
function approvalAgent(checkpointer: Checkpointer, evictWaiting: boolean) {
  const machine = setup({
    types: { context: {} as { approved: boolean } },
    actors: {
      ask: humanWait({
        prompt: () => 'Approve the payment?',
        reply: z.object({ approved: z.boolean() }),
      }),
    },
  }).createMachine({
    id: 'approval',
    context: { approved: false },
    initial: 'asking',
    states: {
      asking: {
        invoke: {
          src: 'ask',
          onDone: {
            target: 'done',
            actions: assign({ approved: ({ event }) => event.output.approved }),
          },
        },
      },
      done: { type: 'final' },
    },
    output: ({ context }) => context,
  });
  return createAgent({ machine, checkpointer, evictWaiting });
}

/**
 * agentchart: each run comes to rest `waiting` on a `humanWait`; replies go through
 * `agent.send`. The store is the one given (core's in-memory default here).
 */
export function agentchartSuspended({
  checkpointer = new MemoryCheckpointer(),
  evictWaiting = false,
}: {
  checkpointer?: Checkpointer;
  /** Drop runs resting `waiting` from memory (core's `evictWaiting`). */
  evictWaiting?: boolean;
} = {}): SuspendedVariant {
  const agent = approvalAgent(checkpointer, evictWaiting);
  return {
    async suspend(ids) {
      const outcomes = await Promise.all(
        ids.map((threadId) => agent.start({ threadId, input: undefined }).result()),
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
    // The in-memory store keeps every checkpoint in full; what it holds, as JSON.
    async storedBytes(ids) {
      let bytes = 0;
      for (const threadId of ids) {
        bytes += Buffer.byteLength(JSON.stringify(await checkpointer.latest(threadId)));
        bytes += Buffer.byteLength(JSON.stringify(await checkpointer.listEffects(threadId)));
      }
      return bytes;
    },
    close: () => undefined,
  };
}
