import { type ChatRequest, ModelCallError } from '@agentchart/core';
import { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { AIMessage, type BaseMessage } from '@langchain/core/messages';
import type { ChatResult } from '@langchain/core/outputs';
import { ChatOpenAI } from '@langchain/openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createOpenAITestServer } from '../testing/openai-test-server';
import { replies } from '../testing/replies';
import { langChainChatModel } from './langchain-chat-model';

const server = createOpenAITestServer();
let baseURL: string;

beforeAll(async () => {
  baseURL = await server.start();
});
afterAll(() => server.close());
beforeEach(() => server.reset());

const chatOpenAI = (fields: { temperature?: number; maxTokens?: number } = {}) =>
  new ChatOpenAI({
    model: 'gpt-4o-mini',
    apiKey: 'sk-test',
    maxRetries: 0,
    configuration: { baseURL },
    ...fields,
  });

const hello: ChatRequest = { messages: [{ role: 'user', content: 'Hello' }] };
const signal = () => new AbortController().signal;

/** A provider that is not OpenAI: answers with a fixed message, or throws a fixed error. */
class CannedChatModel extends BaseChatModel {
  constructor(private readonly outcome: AIMessage | Error) {
    super({});
  }
  _llmType() {
    return 'canned';
  }
  async _generate(_messages: BaseMessage[]): Promise<ChatResult> {
    if (this.outcome instanceof Error) throw this.outcome;
    return { generations: [{ text: '', message: this.outcome }] };
  }
}

describe('langChainChatModel', () => {
  it('refuses what is not a LangChain chat model, where it is given', () => {
    // Before: TypeErrors (reading 'model'; model.getName is not a function).
    for (const [source, message] of [
      [undefined, /the model is nothing, not a LangChain chat model/],
      [{}, /the model is an object, not a LangChain chat model/],
      [() => undefined, /the factory returned nothing, not a LangChain chat model/],
    ] as const) {
      expect(() => langChainChatModel(source as never)).toThrow(
        expect.objectContaining({
          code: 'definition.invalid_option',
          message: expect.stringMatching(message),
        }),
      );
    }
  });

  it('names the model and endpoint after the LangChain model, with known metadata', () => {
    const model = langChainChatModel(chatOpenAI());
    expect(model.modelName).toBe('gpt-4o-mini');
    expect(model.endpoint).toBe(`langchain:ChatOpenAI:${baseURL}:gpt-4o-mini`);
    expect(model.metadata?.contextWindow).toBe(128_000);
  });

  it("reports the LangChain model's API key and the given secrets, for the agent to redact", () => {
    const model = langChainChatModel(chatOpenAI(), { secrets: ['another-credential'] });
    expect(model.secrets).toEqual(['another-credential', 'sk-test']);
  });

  it("turns a ChatOpenAI's own retries off: a 503 is one request, typed server_error", async () => {
    server.setHandler(() => replies.serverError(503));
    // Built as a user would, without maxRetries: LangChain's caller would retry 6 times.
    const chat = new ChatOpenAI({
      model: 'gpt-4o-mini',
      apiKey: 'sk-test',
      configuration: { baseURL },
    });
    const model = langChainChatModel(chat);
    const error = await model.generate(hello, { signal: signal() }).catch((caught) => caught);
    expect(ModelCallError.isInstance(error) && error.kind).toBe('server_error');
    expect(server.requests).toHaveLength(1);
  });

  it('names its endpoint after the base URL, so two servers never share a breaker', () => {
    const at = (url: string) =>
      langChainChatModel(
        new ChatOpenAI({
          model: 'gpt-4o-mini',
          apiKey: 'sk-test',
          configuration: { baseURL: url },
        }),
      ).endpoint;
    expect(at('http://127.0.0.1:1/v1')).not.toBe(at('http://127.0.0.1:2/v1'));
    expect(at('https://user:secret@gateway.example/v1/?key=k')).toBe(
      'langchain:ChatOpenAI:https://gateway.example/v1:gpt-4o-mini',
    );
  });

  it('refuses a misspelt option, naming the one meant', () => {
    expect(() => langChainChatModel(chatOpenAI(), { timeout: 5_000 } as never)).toThrow(
      /langChainChatModel: timeout is not an option; did you mean timeoutMs\?/,
    );
  });

  it('binds tools and round-trips calls in LangChain form, tool names included', async () => {
    server.enqueue(
      replies.toolCalls([{ id: 'call_1', name: 'lookup', arguments: { query: 'tender' } }]),
      replies.text('Found it.'),
    );
    const model = langChainChatModel(chatOpenAI());
    const tools = [
      {
        name: 'lookup',
        description: 'Search tenders',
        parameters: { type: 'object', properties: { query: { type: 'string' } } },
      },
    ];
    const first = await model.generate({ ...hello, tools }, { signal: signal() });
    expect(first.toolCalls).toEqual([
      { id: 'call_1', name: 'lookup', arguments: '{"query":"tender"}' },
    ]);

    await model.generate(
      {
        tools,
        messages: [
          ...hello.messages,
          { role: 'assistant', content: '', toolCalls: first.toolCalls },
          { role: 'tool', toolCallId: 'call_1', name: 'lookup', content: 'tender 42' },
        ],
      },
      { signal: signal() },
    );
    expect(server.requests[0]?.body?.tools?.[0]?.function.name).toBe('lookup');
    expect(server.requests[1]?.body?.messages.slice(1)).toEqual([
      {
        role: 'assistant',
        content: '',
        tool_calls: [
          {
            id: 'call_1',
            type: 'function',
            function: { name: 'lookup', arguments: '{"query":"tender"}' },
          },
        ],
      },
      { role: 'tool', content: 'tender 42', tool_call_id: 'call_1', name: 'lookup' },
    ]);
  });

  it('builds a model per call from the request settings when given a factory', async () => {
    server.enqueue(replies.text('ok'));
    const model = langChainChatModel(({ temperature, maxOutputTokens }) =>
      chatOpenAI({ temperature, maxTokens: maxOutputTokens }),
    );
    await model.generate({ ...hello, temperature: 0.3, maxOutputTokens: 42 }, { signal: signal() });
    expect(server.requests[0]?.body).toMatchObject({ temperature: 0.3, max_tokens: 42 });
  });

  it('asks for structured output in JSON mode with the schema in the prompt by default', async () => {
    server.enqueue(replies.json({ ok: true }));
    const schema = { type: 'object', properties: { ok: { type: 'boolean' } } };
    const response = await langChainChatModel(chatOpenAI()).generate(
      { ...hello, responseFormat: { type: 'json_schema', name: 'result', schema } },
      { signal: signal() },
    );
    expect(response.content).toBe('{"ok":true}');
    const body = server.requests[0]?.body;
    expect(body?.response_format).toEqual({ type: 'json_object' });
    expect(body?.messages[0]?.content).toContain(JSON.stringify(schema));
  });

  it('streams deltas to onToken', async () => {
    server.enqueue(replies.text('a b c'));
    const deltas: string[] = [];
    const response = await langChainChatModel(chatOpenAI()).generate(hello, {
      signal: signal(),
      onToken: (delta) => deltas.push(delta),
    });
    expect(deltas).toEqual(['a ', 'b ', 'c']);
    expect(response.content).toBe('a b c');
  });

  it('maps OpenAI errors as openAIChatModel does', async () => {
    server.enqueue(replies.rateLimited({ retryAfterSeconds: 4 }));
    const error = await langChainChatModel(chatOpenAI())
      .generate(hello, { signal: signal() })
      .catch((caught) => caught);
    expect(error).toBeInstanceOf(ModelCallError);
    expect(error).toMatchObject({ kind: 'rate_limited', status: 429, retryAfterMs: 4000 });
    expect(server.requests).toHaveLength(1);
  });

  it("maps another provider's error from its status and plain-object headers", async () => {
    const overloaded = Object.assign(new Error('Overloaded'), {
      status: 529,
      headers: { 'Retry-After': '7' },
    });
    const error = await langChainChatModel(new CannedChatModel(overloaded), { modelName: 'claude' })
      .generate(hello, { signal: signal() })
      .catch((caught) => caught);
    expect(error).toMatchObject({
      kind: 'server_error',
      status: 529,
      retryAfterMs: 7000,
      endpoint: 'langchain:CannedChatModel:claude',
    });
  });

  it("reads another provider's finish reason and usage", async () => {
    const answer = new AIMessage({
      content: [{ type: 'text', text: 'Partial' }],
      response_metadata: { stop_reason: 'max_tokens', model: 'claude-x' },
      usage_metadata: {
        input_tokens: 10,
        output_tokens: 5,
        total_tokens: 15,
        input_token_details: { cache_read: 4 },
      },
    });
    const response = await langChainChatModel(new CannedChatModel(answer)).generate(hello, {
      signal: signal(),
    });
    expect(response).toEqual({
      content: 'Partial',
      toolCalls: [],
      usage: { inputTokens: 10, outputTokens: 5, cachedInputTokens: 4 },
      finishReason: 'length',
      model: 'claude-x',
    });
  });

  it('fails as bad_request, before any request, when tools meet a model without bindTools', async () => {
    const error = await langChainChatModel(new CannedChatModel(new AIMessage('never')))
      .generate(
        {
          ...hello,
          tools: [{ name: 'lookup', description: 'Search', parameters: { type: 'object' } }],
        },
        { signal: signal() },
      )
      .catch((caught) => caught);
    expect(error).toBeInstanceOf(ModelCallError);
    expect(error.kind).toBe('bad_request');
    expect(error.message).toMatch(/bindTools/);
  });
});
