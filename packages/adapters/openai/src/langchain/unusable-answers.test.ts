import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ChatModel, ModelCallError } from '@agentchart/core';
import { ChatOpenAI } from '@langchain/openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAIChatModel } from '../openai/openai-chat-model';
import { langChainChatModel } from './langchain-chat-model';

/** What the loopback endpoint answers with status 200, whatever it is asked. */
let answer = { contentType: 'application/json', body: '{}' };
let server: Server;
let baseURL: string;

beforeAll(async () => {
  // The OpenAI test server only sends well-formed completions with a 200; these are not.
  server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(200, { 'content-type': answer.contentType });
      response.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

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
