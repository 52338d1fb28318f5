import { ModelCallError } from '@agentchart/core';
import type { ChatRequest } from '@agentchart/core/internal';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createOpenAITestServer } from '../testing/openai-test-server';
import { replies } from '../testing/replies';
import { openAIChatModel } from './openai-chat-model';

const server = createOpenAITestServer({ apiKey: 'sk-test' });

beforeAll(async () => {
  await server.start();
});
afterAll(() => server.close());
beforeEach(() => server.reset());

const hello: ChatRequest = { messages: [{ role: 'user', content: 'Hello' }] };
const answer = replies.text('The answer is forty-two', {
  chunks: ['The', ' answer', ' is', ' forty-two'],
});

function ask(deltas: string[] = []) {
  const model = openAIChatModel({
    model: 'gpt-4o-mini',
    apiKey: 'sk-test',
    baseURL: server.baseURL,
    streaming: true,
  });
  return model.generate(hello, {
    signal: new AbortController().signal,
    onToken: (delta) => deltas.push(delta),
  });
}

describe('openAIChatModel: a stream that ends before its finish reason', () => {
  it('fails a stream that ends cleanly mid-answer as a retryable connection error, not a whole answer', async () => {
    // The role chunk and three content deltas, then the response ends: no finish reason, no [DONE].
    server.enqueue(replies.endedEarly(answer, 4));
    const deltas: string[] = [];
    const error = await ask(deltas).then(
      () => undefined,
      (caught: unknown) => caught,
    );

    expect(deltas).toEqual(['The', ' answer', ' is']);
    expect(ModelCallError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ kind: 'connection', retryable: true });
    expect((error as ModelCallError).message).toMatch(/ended without a finish reason/);
  });

  it('takes a stream that gave its finish reason and usage but no [DONE]', async () => {
    server.enqueue(replies.endedEarly(answer));
    const response = await ask();

    expect(response).toMatchObject({ content: 'The answer is forty-two', finishReason: 'stop' });
    expect(response.usage.outputTokens).toBeGreaterThan(0);
  });
});
