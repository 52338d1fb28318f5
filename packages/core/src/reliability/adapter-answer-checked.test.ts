import { describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { z } from 'zod';
import { createAgent } from '../agent/create-agent';
import { toolLoop } from '../effects/tool-loop';
import type { ChatModel, ChatResponse } from '../model/types';
import { MemoryCheckpointer } from '../store/memory-checkpointer';
import { defineTool } from '../tools/define-tool';
import { createReliabilityPolicy } from './create-reliability-policy';

const lookup = defineTool({
  name: 'lookup',
  description: 'Looks a city up.',
  input: z.object({ city: z.string() }),
  output: z.object({ found: z.boolean() }),
  effect: 'pure',
  trustedOutput: true,
  execute: async () => ({ found: true }),
});

const usage = { inputTokens: 10, outputTokens: 5 };

/** An adapter of the user's that answers from a script, written with its mistakes. */
function adapterAnswering(answers: unknown[]): ChatModel & { calls: number } {
  return {
    modelName: 'house-model',
    endpoint: 'house:http://127.0.0.1:house-model',
    metadata: { contextWindow: 8_000, pricing: { inputPerMillion: 1, outputPerMillion: 1 } },
    calls: 0,
    async generate() {
      this.calls += 1;
      return answers.shift() as ChatResponse;
    },
  };
}

async function runLoop(model: ChatModel) {
  const machine = setup({
    actors: { loop: toolLoop({ model: 'main', tools: [lookup], prompt: () => 'Where?' }) },
  }).createMachine({
    id: 'looker',
    initial: 'looking',
    states: {
      looking: { invoke: { src: 'loop', onDone: 'done' } },
      done: { type: 'final' },
    },
  });
  const agent = createAgent({
    machine,
    models: { main: model },
    checkpointer: new MemoryCheckpointer(),
    modelPolicy: createReliabilityPolicy({ baseDelayMs: 0, maxDelayMs: 0 }),
  });
  try {
    return await agent.run({ input: undefined });
  } finally {
    await agent.close();
  }
}

describe('what a model adapter answers is checked before the harness reads it', () => {
  it("fails a stop reason left unmapped ('max_tokens') instead of taking the cut-off text as the final answer", async () => {
    const model = adapterAnswering([
      { content: 'The city is', toolCalls: [], usage, finishReason: 'max_tokens' },
    ]);
    const outcome = await runLoop(model);
    expect(outcome).toMatchObject({
      status: 'failed',
      error: {
        code: 'model.unknown',
        message: expect.stringContaining(`finishReason is the string "max_tokens"`),
      },
    });
    expect(model.calls).toBe(1);
  });

  it.each([
    ['no usage', { content: 'x', toolCalls: [], finishReason: 'stop' }, 'usage is nothing'],
    [
      'a usage of NaN',
      {
        content: 'x',
        toolCalls: [],
        usage: { inputTokens: Number.NaN, outputTokens: 1 },
        finishReason: 'stop',
      },
      'usage.inputTokens is the number NaN',
    ],
    [
      'token counts as text',
      {
        content: 'x',
        toolCalls: [],
        usage: { inputTokens: '12', outputTokens: '1' },
        finishReason: 'stop',
      },
      'usage.inputTokens is the string "12"',
    ],
    ['no toolCalls', { content: 'x', usage, finishReason: 'stop' }, 'toolCalls is nothing'],
    ['no content', { toolCalls: [], usage, finishReason: 'stop' }, 'content is nothing'],
    [
      'arguments as a parsed object',
      {
        content: '',
        toolCalls: [{ id: 'c1', name: 'lookup', arguments: { city: 'Oslo' } }],
        usage,
        finishReason: 'tool_calls',
      },
      'toolCalls[0].arguments is an object',
    ],
    ['nothing at all', undefined, 'returned nothing instead of an answer object'],
  ])('fails %s with a model.unknown that names it, not retried', async (_name, answer, problem) => {
    const model = adapterAnswering([answer]);
    const outcome = await runLoop(model);
    expect(outcome).toMatchObject({
      status: 'failed',
      error: { code: 'model.unknown', message: expect.stringContaining(problem) },
    });
    expect(outcome.usage.costUsd).toBe(0);
    expect(model.calls).toBe(1);
  });

  it('retries an answer that says it called tools but holds none, as a malformed response', async () => {
    const model = adapterAnswering([
      { content: 'Let me look.', toolCalls: [], usage, finishReason: 'tool_calls' },
      { content: 'Oslo.', toolCalls: [], usage, finishReason: 'stop' },
    ]);
    const outcome = await runLoop(model);
    expect(outcome).toMatchObject({ status: 'done' });
    expect(model.calls).toBe(2);
  });
});
