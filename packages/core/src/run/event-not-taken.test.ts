import { describe, expect, it } from 'vitest';
import { assign, type EventObject, setup } from 'xstate';
import { z } from 'zod';
import { createAgent } from '../agent/create-agent';
import { humanWait } from '../effects/human-wait';
import { toolLoop } from '../effects/tool-loop';
import type { ChatMessage, ChatModel, ChatResponse } from '../model/types';
import { MemoryCheckpointer } from '../store/memory-checkpointer';

/** A model whose answers are held until the test lets each one go. */
function heldModel() {
  const held: (() => void)[] = [];
  const model: ChatModel = {
    modelName: 'held',
    endpoint: 'test:held',
    metadata: { contextWindow: 32_000, pricing: { inputPerMillion: 0, outputPerMillion: 0 } },
    generate: (request) =>
      new Promise<ChatResponse>((resolve) => {
        const last = request.messages.at(-1)?.content ?? '';
        held.push(() =>
          resolve({
            content: `re: ${last}`,
            toolCalls: [],
            usage: { inputTokens: 10, outputTokens: 5 },
            finishReason: 'stop',
          }),
        );
      }),
  };
  /** Resolves once a call is held, then answers it. */
  const answer = async () => {
    while (held.length === 0) await new Promise((resolve) => setImmediate(resolve));
    held.shift()?.();
  };
  return { model, answer };
}

type ChatEvent = { type: 'user.message'; text: string } | { type: 'chat.close' };

/** One support chat: each user message is a turn the model answers. */
const chat = setup({
  types: { context: {} as { messages: ChatMessage[] }, events: {} as ChatEvent },
  actors: {
    respond: toolLoop({ model: 'chat', tools: [], prompt: (messages: ChatMessage[]) => messages }),
    confirm: humanWait({ prompt: () => 'Close the chat?', reply: z.boolean() }),
  },
}).createMachine({
  id: 'chat',
  context: { messages: [] },
  initial: 'idle',
  states: {
    idle: {
      on: {
        'user.message': {
          target: 'responding',
          actions: assign({
            messages: ({ context, event }) => [
              ...context.messages,
              { role: 'user', content: event.text },
            ],
          }),
        },
        'chat.close': 'confirming',
      },
    },
    responding: {
      invoke: {
        src: 'respond',
        input: ({ context }) => context.messages,
        onDone: {
          target: 'idle',
          actions: assign({
            messages: ({ context, event }) => [
              ...context.messages,
              { role: 'assistant', content: event.output.content },
            ],
          }),
        },
      },
    },
    confirming: { invoke: { src: 'confirm', onDone: 'closed' } },
    closed: { type: 'final' },
  },
  output: ({ context }) => context.messages.map((message) => message.content),
});

const message = (text: string): ChatEvent => ({ type: 'user.message', text });

describe('an event the active state does not take', () => {
  it('is refused while the run works, naming the state, and the turn goes on (before: dropped unseen)', async () => {
    const { model, answer } = heldModel();
    const agent = createAgent({ machine: chat, models: { chat: model } });
    const handle = agent.start({ threadId: 'c', input: undefined });
    await handle.result();
    await agent.send('c', message('hello'));
    // The second message arrives while the first is answered: `responding` has no transition.
    const refused = await agent.send('c', message('are you there?')).catch((error) => error);
    expect(refused).toMatchObject({
      code: 'run.event_not_taken',
      details: { threadId: 'c', type: 'user.message', states: ['responding'], guarded: false },
    });
    expect(refused.message).toMatch(/did not take "user\.message".*the run is working/);
    // handle.send says the same at once.
    expect(() => handle.send(message('hello?'))).toThrow(/did not take "user\.message"/);
    await answer();
    expect(await handle.result()).toMatchObject({ status: 'waiting' });
    // Sent again once the run waits, it is taken.
    await agent.send('c', message('are you there?'));
    await answer();
    await handle.result();
    expect((await agent.getCheckpoint('c'))?.snapshot).toMatchObject({
      context: {
        messages: [
          { content: 'hello' },
          { content: 're: hello' },
          { content: 'are you there?' },
          { content: 're: are you there?' },
        ],
      },
    });
    await agent.close();
  });

  it('is refused by a waiting thread restored for it, which rests as it was and lets its lease go', async () => {
    const checkpointer = new MemoryCheckpointer();
    const first = createAgent({ machine: chat, checkpointer, models: { chat: heldModel().model } });
    await first.start({ threadId: 'w', input: undefined }).result();
    await (await first.send('w', { type: 'chat.close' })).result();
    const versions = (await first.history('w')).length;
    // Evicted while it asks a person; a user message now has no transition.
    await expect(first.send('w', message('wait, one more thing'))).rejects.toMatchObject({
      code: 'run.event_not_taken',
      details: { states: ['confirming'], takes: [] },
    });
    expect((await first.history('w')).length).toBe(versions);
    // Another process may answer the thread at once: the restore gave its lease back.
    const second = createAgent({
      machine: chat,
      checkpointer,
      models: { chat: heldModel().model },
    });
    const replied = await second.send('w', { type: 'human.reply', value: true });
    expect(await replied.result()).toMatchObject({ status: 'done' });
    await first.close();
    await second.close();
  });

  it('reaches handle.result() when sent through a handle whose run left memory', async () => {
    const agent = createAgent({
      machine: chat,
      checkpointer: new MemoryCheckpointer(),
      models: { chat: heldModel().model },
    });
    const handle = agent.start({ threadId: 'h', input: undefined });
    await handle.result();
    handle.send({ type: 'chat.close' });
    await handle.result();
    handle.send(message('lost?'));
    await expect(handle.result()).rejects.toMatchObject({ code: 'run.event_not_taken' });
    // Reported once: the thread waits as it did.
    expect(await handle.result()).toMatchObject({ status: 'waiting' });
    await agent.close();
  });

  it('is taken by a parallel region or a wildcard that takes it, and refused with the events they take', async () => {
    const machine = setup({ types: { events: {} as EventObject } }).createMachine({
      id: 'regions',
      type: 'parallel',
      states: {
        left: { initial: 'a', states: { a: { on: { 'note.*': 'b' } }, b: {} } },
        right: { initial: 'c', states: { c: { on: { ping: 'd' } }, d: {} } },
      },
    });
    const agent = createAgent({ machine });
    const handle = agent.start({ threadId: 'p', input: undefined });
    await handle.result();
    await agent.send('p', { type: 'note.added' });
    await agent.send('p', { type: 'ping' });
    await expect(agent.send('p', { type: 'ping' })).rejects.toMatchObject({
      code: 'run.event_not_taken',
      details: { states: ['left.b', 'right.d'], takes: [] },
    });
    await agent.close();
  });
});
