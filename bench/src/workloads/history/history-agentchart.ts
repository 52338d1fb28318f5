import type { ChatMessage } from '@agentchart/core';
import { createAgent, defineTool, MemoryCheckpointer, toolLoop } from '@agentchart/core';
import { scriptedModel } from '@agentchart/core/testing';
import { assign, setup } from 'xstate';
import { z } from 'zod';
import { openAgentchartSqlite } from '../../stores/agentchart-sqlite';
import { countingCheckpointer } from '../../stores/counting-checkpointer';
import { sqliteFileBytes } from '../../stores/sqlite-file-bytes';
import { tempDir } from '../../stores/temp-dir';
import { ByteMeter, historySteps, message } from './byte-meter';
import {
  chatModel,
  checkConversation,
  opening,
  replies,
  wholeConversationMetadata,
} from './chat-script';
import type { HistoryResult } from './history-xstate';

/** Where an agentchart history variant keeps its checkpoints. */
export type HistoryStore = 'memory' | 'sqlite';

/**
 * Runs `body` with a counting checkpointer over the chosen store. What is stored at the end:
 * the SQLite file's size, or for the in-memory store (which keeps every checkpoint in full)
 * the bytes written.
 */
async function withStore(
  kind: HistoryStore,
  meter: ByteMeter,
  body: (store: ReturnType<typeof countingCheckpointer>) => Promise<void>,
): Promise<HistoryResult> {
  if (kind === 'memory') {
    await body(countingCheckpointer(new MemoryCheckpointer(), (bytes) => meter.add(bytes)));
    return { meter, storedBytes: meter.total };
  }
  const dir = tempDir('history-agentchart');
  const path = dir.file('agentchart.db');
  const durable = openAgentchartSqlite(path);
  try {
    await body(countingCheckpointer(durable, (bytes) => meter.add(bytes)));
    return { meter, storedBytes: sqliteFileBytes(path, 'node:sqlite') };
  } finally {
    durable.close();
    dir.remove();
  }
}

/**
 * agentchart, the conversation in the machine's context: each turn a `toolLoop` (no tools)
 * called with the history; a checkpoint after every macrostep, a journal entry per model call.
 */
export async function agentchartContextHistory(
  kind: HistoryStore,
  steps = historySteps,
): Promise<HistoryResult> {
  const meter = new ByteMeter();
  const machine = setup({
    types: { context: {} as { messages: ChatMessage[] } },
    actors: {
      reply: toolLoop({ model: 'chat', tools: [], prompt: (messages: ChatMessage[]) => messages }),
    },
    actions: {
      append: assign({
        messages: ({ event }) =>
          (event as unknown as { output: { messages: ChatMessage[] } }).output.messages,
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
              guard: ({ context }) => replies(context.messages) + 1 >= steps,
              target: 'done',
              actions: 'append',
            },
            { target: 'replying', reenter: true, actions: 'append' },
          ],
        },
      },
      done: { type: 'final' },
    },
    output: ({ context }) => context.messages,
  });
  return withStore(kind, meter, async (checkpointer) => {
    const agent = createAgent({ machine, models: { chat: chatModel(meter) }, checkpointer });
    const outcome = await agent.run({ threadId: 'chat', input: undefined });
    if (outcome.status !== 'done')
      throw new Error(`agentchart (context): run ended ${outcome.status}`);
    checkConversation('agentchart (context)', outcome.output as ChatMessage[], steps);
  });
}

/**
 * agentchart, the conversation inside one `toolLoop`: 400 model calls, each a 1 KB message
 * and a small tool call. The history lives in the effect; the journal records each answer.
 */
export async function agentchartLoopHistory(
  kind: HistoryStore,
  steps = historySteps,
): Promise<HistoryResult> {
  const meter = new ByteMeter();
  const note = defineTool({
    name: 'note',
    description: 'Notes that a message was written.',
    input: z.object({ index: z.number() }),
    output: z.object({ ok: z.boolean() }),
    effect: 'pure',
    execute: async () => ({ ok: true }),
  });
  const model = scriptedModel({
    metadata: wholeConversationMetadata,
    handler: (request) => {
      const index = replies(request.messages);
      if (index >= steps) return { content: 'done' };
      meter.step();
      return { content: message(index), toolCalls: [{ name: 'note', arguments: { index } }] };
    },
  });
  const machine = setup({
    types: { context: {} as { messages: number; last: string } },
    actors: {
      talk: toolLoop({
        model: 'chat',
        tools: [note],
        prompt: () => [opening],
        maxSteps: steps + 1,
      }),
    },
  }).createMachine({
    id: 'chat-loop',
    context: { messages: 0, last: '' },
    initial: 'talking',
    states: {
      talking: {
        invoke: {
          src: 'talk',
          onDone: {
            target: 'done',
            actions: assign(({ event }) => {
              const written = event.output.messages.filter(
                (item: ChatMessage) => item.role === 'assistant' && item.content !== 'done',
              );
              return { messages: written.length, last: written[written.length - 1]?.content ?? '' };
            }),
          },
        },
      },
      done: { type: 'final' },
    },
    output: ({ context }) => context,
  });
  return withStore(kind, meter, async (checkpointer) => {
    const agent = createAgent({ machine, models: { chat: model }, checkpointer });
    const outcome = await agent.run({ threadId: 'chat', input: undefined });
    if (outcome.status !== 'done')
      throw new Error(`agentchart (toolLoop): run ended ${outcome.status}`);
    const { messages, last } = outcome.output as { messages: number; last: string };
    if (messages !== steps || last !== message(steps - 1)) {
      throw new Error(`agentchart (toolLoop): wrote ${messages} messages, expected ${steps}`);
    }
  });
}
