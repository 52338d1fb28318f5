import type { ChatMessage } from '@agentchart/core';
import { assign, createActor, fromPromise, setup, toPromise } from 'xstate';
import { SqliteSnapshotStore } from '../../stores/sqlite-snapshot-store';
import { tempDir } from '../../stores/temp-dir';
import { ByteMeter, historySteps } from './byte-meter';
import { chatModel, checkConversation, opening, replies } from './chat-script';

/** A history variant's outcome: bytes written per step, and what the store holds at the end. */
export interface HistoryResult {
  meter: ByteMeter;
  /** Bytes the store holds at the end (database file, or serialized bytes kept). */
  storedBytes: number;
}

/**
 * Raw XState: the conversation in the machine's context, one model turn per state entry, the
 * persisted snapshot written to SQLite after every transition.
 */
export async function xstateHistory(): Promise<HistoryResult> {
  const meter = new ByteMeter();
  const model = chatModel(meter);
  const machine = setup({
    types: { context: {} as { messages: ChatMessage[] }, output: {} as ChatMessage[] },
    actors: {
      reply: fromPromise<ChatMessage, ChatMessage[]>(async ({ input, signal }) => {
        const response = await model.generate({ messages: input }, { signal });
        return { role: 'assistant', content: response.content };
      }),
    },
  }).createMachine({
    id: 'chat',
    context: { messages: [opening] },
    initial: 'replying',
    states: {
      replying: {
        invoke: {
          src: 'reply',
          input: ({ context }) => context.messages,
          onDone: [
            {
              guard: ({ context }) => replies(context.messages) + 1 >= historySteps,
              target: 'done',
              actions: assign({
                messages: ({ context, event }) => [...context.messages, event.output],
              }),
            },
            {
              target: 'replying',
              reenter: true,
              actions: assign({
                messages: ({ context, event }) => [...context.messages, event.output],
              }),
            },
          ],
        },
      },
      done: { type: 'final' },
    },
    output: ({ context }) => context.messages,
  });
  const dir = tempDir('history-xstate');
  const store = new SqliteSnapshotStore(dir.file('xstate.db'));
  try {
    const actor = createActor(machine);
    store.persist(actor, 'chat', (bytes) => meter.add(bytes));
    checkConversation('raw XState + SQLite', await toPromise(actor.start()));
    store.checkpointWal();
    return { meter, storedBytes: store.fileBytes() };
  } finally {
    store.close();
    dir.remove();
  }
}
