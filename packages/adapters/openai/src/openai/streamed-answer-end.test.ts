import { type ChatRequest, ModelCallError } from '@agentchart/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
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

function ask(deltas: string[] = [], timeoutMs?: number) {
  const model = openAIChatModel({
    model: 'gpt-4o-mini',
    apiKey: 'sk-test',
    baseURL: server.baseURL,
    streaming: true,
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
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

  it('takes a stream that gave its finish reason, then held the connection open', async () => {
    // Every event, usage chunk included, then neither `[DONE]` nor the end of the response.
    // The attempt used to wait for its timeout and fail, and a retry paid for the answer again.
    server.enqueue(replies.stallMidway(answer, Number.POSITIVE_INFINITY));
    const deltas: string[] = [];
    const response = await ask(deltas, 5_000);

    expect(deltas).toEqual(['The', ' answer', ' is', ' forty-two']);
    expect(response).toMatchObject({ content: 'The answer is forty-two', finishReason: 'stop' });
    // LangChain hands the usage over only when the response ends: held open, it is not known,
    // and core says so (`model.usage_missing`) rather than the call being paid for twice.
    expect(response.usage).toEqual({ inputTokens: 0, outputTokens: 0 });
    // The client let go of the response it no longer needed.
    await vi.waitFor(() => expect(server.openResponses).toBe(0));
    expect(server.requests).toHaveLength(1);
  });

  it('takes a stream cut after its finish reason, before its usage, rather than paying for it again', async () => {
    // The role chunk, four content deltas and the finish chunk; then the connection drops
    // before the usage chunk and `[DONE]`: the answer is whole, only its token counts are lost.
    server.enqueue(replies.cutMidway(answer, 6));
    const deltas: string[] = [];
    const response = await ask(deltas, 5_000);

    expect(deltas).toEqual(['The', ' answer', ' is', ' forty-two']);
    expect(response).toMatchObject({ content: 'The answer is forty-two', finishReason: 'stop' });
    expect(response.usage).toEqual({ inputTokens: 0, outputTokens: 0 });
    expect(server.requests).toHaveLength(1);
  });

  it('still fails a stream held open before its finish reason when the attempt times out', async () => {
    server.enqueue(replies.stallMidway(answer, 5));
    const error = await ask([], 300).then(
      () => undefined,
      (caught: unknown) => caught,
    );

    expect(error).toMatchObject({ kind: 'timeout', retryable: true });
    await vi.waitFor(() => expect(server.openResponses).toBe(0));
  });

  it('closes the response when reading it throws (a token listener that fails)', async () => {
    server.enqueue(replies.stallMidway(answer, 3));
    const model = openAIChatModel({
      model: 'gpt-4o-mini',
      apiKey: 'sk-test',
      baseURL: server.baseURL,
      streaming: true,
    });
    const failed = await model
      .generate(hello, {
        signal: new AbortController().signal,
        onToken: () => {
          throw new Error('listener failed');
        },
      })
      .then(
        () => undefined,
        (caught: unknown) => caught,
      );

    expect(failed).toBeDefined();
    await vi.waitFor(() => expect(server.openResponses).toBe(0));
  });
});
