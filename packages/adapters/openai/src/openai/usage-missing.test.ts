import { createReliabilityPolicy } from '@agentchart/core/reliability';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { classifierAgent } from '../reliability-e2e/classifier-agent';
import { createOpenAITestServer } from '../testing/openai-test-server';
import { replies } from '../testing/replies';
import { openAIChatModel } from './openai-chat-model';

const server = createOpenAITestServer({ apiKey: 'sk-test' });

beforeAll(async () => {
  await server.start();
});
afterAll(() => server.close());
beforeEach(() => server.reset());

describe('openAIChatModel: a compatible server that streams no usage', () => {
  it('warns the run that its calls are counted at 0 tokens and $0', async () => {
    server.enqueue(replies.json({ relevant: true, confidence: 0.8 }, { omitUsage: true }));
    const model = openAIChatModel({
      model: 'gpt-4o-mini',
      apiKey: 'sk-test',
      baseURL: server.baseURL,
      streaming: true,
    });
    const agent = classifierAgent(model, createReliabilityPolicy());
    const warnings: string[] = [];
    agent.events.on('agent.warning', ({ code }) => warnings.push(code));
    const outcome = await agent.run({ input: { text: 'Repaint the Forth bridge' } });

    expect(server.requests[0]?.body).toMatchObject({
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(outcome).toMatchObject({
      status: 'done',
      usage: { inputTokens: 0, outputTokens: 0, costUsd: 0 },
    });
    expect(warnings).toEqual(['model.usage_missing']);
  });
});
