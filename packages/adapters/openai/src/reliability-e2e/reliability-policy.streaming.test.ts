import type { RunEvent } from '@agentchart/core';
import { createReliabilityPolicy } from '@agentchart/core/reliability';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openAIChatModel } from '../openai/openai-chat-model';
import { createOpenAITestServer } from '../testing/openai-test-server';
import { replies } from '../testing/replies';
import { classifierAgent } from './classifier-agent';

/**
 * Token streaming end to end: an agent run with `streaming: true` on the real OpenAI client,
 * through the reliability policy, with the server's SSE deltas surfacing as `llm.token` run
 * events.
 */

const apiKey = 'sk-test';
const server = createOpenAITestServer({ apiKey });
const chunks = ['{"relevant":', ' true,', ' "confidence":', ' 0.8}'];
const answer = () => replies.json({ relevant: true, confidence: 0.8 }, { chunks });

beforeAll(async () => {
  await server.start();
});
afterAll(() => server.close());
beforeEach(() => server.reset());

function streamingAgent() {
  const model = openAIChatModel({
    baseURL: server.baseURL,
    apiKey,
    model: 'gpt-4o-mini',
    streaming: true,
  });
  const policy = createReliabilityPolicy({ baseDelayMs: 100, random: () => 0.5 });
  const agent = classifierAgent(model, policy);
  const events: RunEvent[] = [];
  agent.events.onAny((event) => events.push(event));
  const tokens = () => events.flatMap((event) => (event.type === 'llm.token' ? [event.delta] : []));
  return { agent, events, tokens };
}

/** The run's model events in order, each stretch of consecutive tokens as one `llm.token…`. */
function modelEvents(events: RunEvent[]): string[] {
  const kinds: string[] = [];
  for (const { type } of events) {
    if (!type.startsWith('llm.')) continue;
    const kind = type === 'llm.token' ? 'llm.token…' : type;
    if (kinds.at(-1) !== kind) kinds.push(kind);
  }
  return kinds;
}

describe('createReliabilityPolicy over real HTTP: streaming in an agent run', () => {
  it('surfaces every SSE delta as an llm.token run event, in order', async () => {
    server.enqueue(answer());
    const { agent, events, tokens } = streamingAgent();
    const outcome = await agent.run({ input: { text: 'Repaint the Forth bridge' } });

    expect(outcome).toMatchObject({ status: 'done', output: { relevant: true, confidence: 0.8 } });
    expect(tokens()).toEqual(chunks);
    expect(server.requests[0]?.body).toMatchObject({
      stream: true,
      response_format: { type: 'json_schema' },
    });
    expect(modelEvents(events)).toEqual(['llm.call.start', 'llm.token…', 'llm.call.end']);
  });

  it('streams the cut attempt’s deltas, announces the retry, then streams the retry', async () => {
    server.enqueue(replies.cutMidway(answer(), 3), answer());
    const { agent, events, tokens } = streamingAgent();
    const outcome = await agent.run({ input: { text: 'Repaint the Forth bridge' } });

    expect(outcome).toMatchObject({ status: 'done', output: { relevant: true, confidence: 0.8 } });
    expect(server.requests).toHaveLength(2);
    // A consumer drops what it showed of an attempt when `llm.call.retry` arrives.
    expect(tokens()).toEqual([...chunks.slice(0, 2), ...chunks]);
    expect(modelEvents(events)).toEqual([
      'llm.call.start',
      'llm.token…',
      'llm.call.retry',
      'llm.token…',
      'llm.call.end',
    ]);
    // A consumer that forwards only tokens tells the attempts apart by their number.
    const attempts = events.flatMap((event) => (event.type === 'llm.token' ? [event.attempt] : []));
    expect(attempts).toEqual([1, 1, 2, 2, 2, 2]);
    const retry = events.find((event) => event.type === 'llm.call.retry');
    expect(retry).toMatchObject({
      attempt: 1,
      delayMs: 50,
      reason: expect.stringMatching(/^connection: /),
    });
  });
});
