import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ChatModel, ModelCallError } from '@agentchart/core';
import { ChatOpenAI } from '@langchain/openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { langChainChatModel } from '../langchain/langchain-chat-model';
import { openAIChatModel } from '../openai/openai-chat-model';
import { unusableCompletionError } from './unusable-completion-error';

/** What the loopback endpoint answers with status 200, whatever it is asked. */
let answer = { contentType: 'application/json', body: '{}' };
let requests = 0;
let server: Server;
let baseURL: string;

beforeAll(async () => {
  // The OpenAI test server only sends well-formed completions with a 200; these are not.
  server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      requests++;
      response.writeHead(200, { 'content-type': answer.contentType });
      response.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function failureOf(contentType: string, body: string): Promise<ModelCallError> {
  answer = { contentType, body };
  requests = 0;
  const model = openAIChatModel({ model: 'gpt-4o-mini', apiKey: 'sk-test', baseURL });
  const error = await model
    .generate(
      { messages: [{ role: 'user', content: 'Hello' }] },
      { signal: new AbortController().signal },
    )
    .catch((caught: unknown) => caught);
  expect(ModelCallError.isInstance(error)).toBe(true);
  expect(requests).toBe(1);
  return error as ModelCallError;
}

describe('unusableCompletionError', () => {
  it('types a 200 without choices as a retryable malformed_response, saying so', async () => {
    const error = await failureOf('application/json', '{"id":"x","object":"chat.completion"}');
    expect(error.kind).toBe('malformed_response');
    expect(error.message).toContain('answered 200 with no choices');
    expect(error.message).not.toContain('Cannot read properties');
  });

  it('types an empty choices list and a choice without a message the same way', async () => {
    const empty = await failureOf('application/json', '{"choices":[]}');
    expect(empty.kind).toBe('malformed_response');
    expect(empty.message).toContain('an empty choices list');
    const bare = await failureOf('application/json', '{"choices":[{"index":0}]}');
    expect(bare.kind).toBe('malformed_response');
    expect(bare.message).toContain('a choice without a message');
  });

  it("types an error object sent with status 200 as server_error, with the provider's message", async () => {
    const error = await failureOf(
      'application/json',
      '{"error":{"message":"Upstream provider overloaded","code":502}}',
    );
    expect(error.kind).toBe('server_error');
    expect(error.message).toContain('Upstream provider overloaded');
  });

  it('types an HTML page sent with status 200 as malformed_response, in one line', async () => {
    const error = await failureOf(
      'text/html',
      '<!doctype html><html><head><title>Sign in</title></head><body>…</body></html>',
    );
    expect(error.kind).toBe('malformed_response');
    expect(error.message).toContain('Sign in (an HTML page');
    expect(error.message).toContain('base URL');
  });

  it('leaves a response that holds an answer to the usual mapping', () => {
    const body = '{"choices":[{"index":0,"message":{"role":"assistant","content":"hi"}}]}';
    expect(
      unusableCompletionError({ status: 200, contentType: 'application/json', body }, 'e'),
    ).toBeUndefined();
  });
});

const viaLangChain = () =>
  langChainChatModel(
    new ChatOpenAI({ model: 'gpt-4o-mini', apiKey: 'sk-test', configuration: { baseURL } }),
  );
const viaOpenAI = () => openAIChatModel({ model: 'gpt-4o-mini', apiKey: 'sk-test', baseURL });

async function outcomeOf(model: ChatModel, contentType: string, body: string) {
  answer = { contentType, body };
  return model
    .generate(
      { messages: [{ role: 'user', content: 'Hello' }] },
      { signal: new AbortController().signal },
    )
    .catch((caught: unknown) => caught);
}

const completion = (message: Record<string, unknown>, finishReason: string) =>
  JSON.stringify({
    choices: [
      { index: 0, message: { role: 'assistant', ...message }, finish_reason: finishReason },
    ],
  });

describe('answers a LangChain client cannot read', () => {
  it.each([
    ['a body without choices', 'application/json', '{"id":"x","object":"chat.completion"}'],
    ['an error object sent with 200', 'application/json', '{"error":{"message":"overloaded"}}'],
    ['an HTML page', 'text/html', '<html><title>Sign in</title></html>'],
  ])('types %s as a retryable malformed_response, not unknown (issue 9)', async (_, type, body) => {
    const error = await outcomeOf(viaLangChain(), type, body);
    expect(ModelCallError.isInstance(error)).toBe(true);
    expect((error as ModelCallError).kind).toBe('malformed_response');
    expect((error as ModelCallError).message).toContain('the client could not read the answer');
  });

  it.each([
    ['langChainChatModel', viaLangChain],
    ['openAIChatModel', viaOpenAI],
  ])(
    '%s fails an answer that says it called tools but holds none, instead of passing it as empty (issue 9)',
    async (_, model) => {
      for (const content of ['', null]) {
        const error = await outcomeOf(
          model(),
          'application/json',
          completion({ content }, 'tool_calls'),
        );
        expect(ModelCallError.isInstance(error)).toBe(true);
        expect((error as ModelCallError).kind).toBe('malformed_response');
        expect((error as ModelCallError).message).toContain('finish reason "tool_calls"');
      }
    },
  );

  it('still passes an answer with tool calls, and an empty answer that stopped, as they are', async () => {
    const called = await outcomeOf(
      viaLangChain(),
      'application/json',
      completion(
        {
          content: null,
          tool_calls: [
            { id: 'c1', type: 'function', function: { name: 'lookup', arguments: '{}' } },
          ],
        },
        'tool_calls',
      ),
    );
    expect(called).toMatchObject({ finishReason: 'tool_calls', toolCalls: [{ id: 'c1' }] });
    const stopped = await outcomeOf(
      viaLangChain(),
      'application/json',
      completion({ content: '' }, 'stop'),
    );
    expect(stopped).toMatchObject({ content: '', toolCalls: [], finishReason: 'stop' });
  });
});
