import { type AnyTool, defineTool, ModelCallError, toolLoop } from '@agentchart/core';
import { singleAttemptPolicy } from '@agentchart/core/reliability';
import { runEffect } from '@agentchart/core/testing';
import { ChatOpenAI } from '@langchain/openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { langChainChatModel } from '../langchain/langchain-chat-model';
import { type OpenAIChatModelOptions, openAIChatModel } from '../openai/openai-chat-model';
import { createOpenAITestServer } from '../testing/openai-test-server';
import { replies } from '../testing/replies';

const server = createOpenAITestServer({ apiKey: 'sk-test' });
let baseURL: string;

beforeAll(async () => {
  baseURL = await server.start();
});
afterAll(() => server.close());
beforeEach(() => server.reset());

const lookups = (count: number): AnyTool[] =>
  Array.from({ length: count }, (_, index) =>
    defineTool({
      name: `lookup_${index}`,
      description: `Looks up record kind ${index}.`,
      input: z.object({ id: z.string() }),
      output: z.string(),
      effect: 'pure',
      execute: async ({ id }) => `record ${id}`,
    }),
  );

const model = (options: Partial<OpenAIChatModelOptions> = {}) =>
  openAIChatModel({ model: 'gpt-4o-mini', apiKey: 'sk-test', baseURL, ...options });

function loop(tools: AnyTool[], chatModel = model()) {
  return runEffect(toolLoop({ model: 'main', tools, prompt: () => 'Find record 7.' }), undefined, {
    models: { main: chatModel },
    modelPolicy: singleAttemptPolicy,
  });
}

describe('checkToolCount', () => {
  it('refuses a tool loop of 200 tools before sending, with a typed error that says what to do', async () => {
    server.setHandler(() => replies.text('Found it.'));
    const { error } = await loop(lookups(200));
    expect(server.requests).toHaveLength(0);
    expect(ModelCallError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: 'model.too_many_tools', kind: 'too_many_tools' });
    expect(error.message).toContain('not sent');
    expect(error.message).toContain('offers 200 tools');
    expect(error.message).toContain('at most 128');
    expect(error.message).toMatch(/allowedTools.*openAIChatModel's maxTools/);
  });

  it('sends 128 tools, and more to a server whose limit the model is given', async () => {
    server.setHandler(() => replies.text('Found it.'));
    expect((await loop(lookups(128))).error).toBeUndefined();
    expect(server.requests.at(-1)?.body?.tools).toHaveLength(128);
    expect((await loop(lookups(200), model({ maxTools: 256 }))).error).toBeUndefined();
    expect(server.requests.at(-1)?.body?.tools).toHaveLength(200);
    expect((await loop(lookups(200), model({ maxTools: Infinity }))).error).toBeUndefined();
    expect(server.requests).toHaveLength(3);
  });

  it('falls back to the next model of the chain, which takes more tools', async () => {
    server.setHandler(() => replies.text('Found it.'));
    const { error } = await runEffect(
      toolLoop({ model: 'main', tools: lookups(200), prompt: () => 'Find record 7.' }),
      undefined,
      {
        models: { main: [model(), model({ model: 'served-elsewhere', maxTools: 256 })] },
        // A name the adapter does not know has no price: this one is free.
        prices: { 'served-elsewhere': { inputPerMillion: 0, outputPerMillion: 0 } },
        // The default policy, which tries the chain's next model.
      },
    );
    expect(error).toBeUndefined();
    expect(server.requests.map((request) => request.body?.model)).toEqual(['served-elsewhere']);
  });

  it('refuses with a lower limit given for a compatible server', async () => {
    const { error } = await loop(lookups(20), model({ maxTools: 16 }));
    expect(error?.code).toBe('model.too_many_tools');
    expect(server.requests).toHaveLength(0);
  });

  it("applies a LangChain model's maxTools, and no limit when none is given", async () => {
    server.setHandler(() => replies.text('Found it.'));
    const chat = new ChatOpenAI({
      model: 'gpt-4o-mini',
      apiKey: 'sk-test',
      configuration: { baseURL },
    });
    const limited = await loop(lookups(200), langChainChatModel(chat, { maxTools: 128 }));
    expect(limited.error?.code).toBe('model.too_many_tools');
    expect(limited.error?.message).toContain("langChainChatModel's maxTools");
    expect(server.requests).toHaveLength(0);
    expect((await loop(lookups(200), langChainChatModel(chat))).error).toBeUndefined();
    expect(server.requests).toHaveLength(1);
  });

  it("types a server's own 400 for too many tools the same way", async () => {
    server.enqueue(
      replies.httpError(
        400,
        "Invalid 'tools': array too long. Expected an array with maximum length 8, but got an array with length 10 instead.",
        { code: 'array_above_max_length' },
      ),
    );
    const { error } = await loop(lookups(10));
    expect(server.requests).toHaveLength(1);
    expect(error?.code).toBe('model.too_many_tools');
  });

  it('refuses a maxTools that is not a whole number of at least 1, when the model is defined', () => {
    for (const maxTools of [0, -1, 1.5, Number.NaN]) {
      expect(() => model({ maxTools })).toThrow(
        /openAIChatModel: option maxTools is .*Give the most tools/,
      );
    }
  });
});
