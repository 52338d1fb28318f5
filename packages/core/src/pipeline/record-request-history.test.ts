import { describe, expect, it } from 'vitest';
import { assign, setup } from 'xstate';
import { createAgent } from '../agent/create-agent';
import { toolLoop } from '../effects/tool-loop';
import type { ChatMessage } from '../model/types';
import { MemoryCheckpointer } from '../store/memory-checkpointer';
import { scriptedModel } from '../testing/scripted-model';

/** A chat whose conversation lives in the chart's context: each turn is a new toolLoop. */
function chatAgent(turns: number) {
  const model = scriptedModel({
    handler: (request) => ({ content: `reply ${request.messages.length} ${'x'.repeat(500)}` }),
  });
  const machine = setup({
    types: { context: {} as { messages: ChatMessage[]; turn: number } },
    actors: {
      reply: toolLoop({ model: 'chat', tools: [], prompt: (messages: ChatMessage[]) => messages }),
    },
  }).createMachine({
    id: 'chat',
    context: { messages: [{ role: 'user', content: 'hello' }], turn: 0 },
    initial: 'replying',
    states: {
      replying: {
        invoke: {
          src: 'reply',
          input: ({ context }) => context.messages,
          onDone: {
            target: 'next',
            actions: assign({
              messages: ({ context, event }) => [
                ...(event.output as { messages: ChatMessage[] }).messages,
                { role: 'user' as const, content: `question ${context.turn + 1}` },
              ],
              turn: ({ context }) => context.turn + 1,
            }),
          },
        },
      },
      next: {
        always: [{ guard: ({ context }) => context.turn >= turns, target: 'done' }, 'replying'],
      },
      done: { type: 'final' },
    },
  });
  const checkpointer = new MemoryCheckpointer();
  return { agent: createAgent({ machine, models: { chat: model }, checkpointer }), checkpointer };
}

describe('the messages a model call journals', () => {
  it('stores a conversation kept in the context once, not once per turn (issue 11)', async () => {
    const { agent } = chatAgent(20);
    expect((await agent.run({ threadId: 't', input: undefined })).status).toBe('done');
    const calls = (await agent.journal('t')).filter((entry) => entry.kind === 'llm');
    expect(calls).toHaveLength(20);
    const recorded = calls.map(
      (entry) => (entry.meta as { request: { after?: string; messages: unknown[] } }).request,
    );
    // Each turn after the first sends the history and one new question, and records only
    // what the run's previous call had not sent: the previous reply and the new question.
    for (const request of recorded.slice(1)) {
      expect(request.after).toBeDefined();
      expect(request.messages.length).toBeLessThanOrEqual(2);
    }
    // The first call's key is what the second builds on: the full list can be rebuilt.
    expect(recorded[1]!.after).toBe(calls[0]!.key);
  });

  it('continues from the last recorded request after the run left memory between turns', async () => {
    // A chat whose run waits for each message: a durable store's default evicts it, and each
    // message restores it. Before, every restored run recorded its whole history again:
    // 29.5 MB of journal for 300 turns (`pnpm run probe:chat-restore` in bench).
    const model = scriptedModel({ handler: (request) => `reply ${request.messages.length}` });
    const machine = setup({
      types: {
        context: {} as { messages: ChatMessage[] },
        events: {} as { type: 'say'; text: string },
      },
      actors: {
        reply: toolLoop({
          model: 'chat',
          tools: [],
          prompt: (messages: ChatMessage[]) => messages,
        }),
      },
    }).createMachine({
      id: 'chat',
      context: { messages: [] },
      initial: 'idle',
      states: {
        idle: {
          on: {
            say: {
              target: 'replying',
              actions: assign({
                messages: ({ context, event }) => [
                  ...context.messages,
                  { role: 'user' as const, content: event.text },
                ],
              }),
            },
          },
        },
        replying: {
          invoke: {
            src: 'reply',
            input: ({ context }) => context.messages,
            onDone: {
              target: 'idle',
              actions: assign({
                messages: ({ context, event }) => [
                  ...context.messages,
                  { role: 'assistant' as const, content: event.output.content },
                ],
              }),
            },
          },
        },
      },
    });
    const agent = createAgent({
      machine,
      models: { chat: model },
      checkpointer: new MemoryCheckpointer(),
    });
    expect((await agent.run({ threadId: 'c', input: undefined })).status).toBe('waiting');
    for (let turn = 0; turn < 6; turn++) {
      const handle = await agent.send('c', { type: 'say', text: `question ${turn}` });
      expect((await handle.result()).status).toBe('waiting');
    }
    const calls = (await agent.journal('c')).filter((entry) => entry.kind === 'llm');
    expect(calls).toHaveLength(6);
    const recorded = calls.map(
      (entry) =>
        (entry.meta as { request: { after?: string; keep?: number; messages: unknown[] } }).request,
    );
    for (const [index, request] of recorded.entries()) {
      if (index === 0) continue;
      expect(request.after).toBe(calls[index - 1]!.key);
      expect(request.messages).toHaveLength(2);
    }
    // Rebuilt from the chain, the last record is what the model was sent.
    let messages: unknown[] = [];
    for (const { keep = 0, messages: added } of recorded) {
      messages = [...messages.slice(0, keep), ...added];
    }
    expect(messages).toEqual(model.requests.at(-1)!.messages);
    await agent.close();
  });
});
