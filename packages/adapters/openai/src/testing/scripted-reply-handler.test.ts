import { type ChatRequest, ModelCallError } from '@agentchart/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAIChatModel } from '../openai/openai-chat-model';
import { createOpenAITestServer } from './openai-test-server';
import { scriptedReplyHandler } from './scripted-reply-handler';

const seen: ChatRequest[] = [];
const server = createOpenAITestServer({
  handler: scriptedReplyHandler((request, index) => {
    seen.push(request);
    if (index === 0) return { toolCalls: [{ name: 'lookup', arguments: { id: 7 } }] };
    if (index === 1) return { json: { ok: true } };
    return { error: new ModelCallError({ kind: 'rate_limited', message: 'slow down' }) };
  }),
});
let baseURL: string;
beforeAll(async () => {
  baseURL = await server.start();
});
afterAll(() => server.close());

describe('scriptedReplyHandler', () => {
  it("serves a scripted model's answers to the real client, requests read back as core's", async () => {
    const model = openAIChatModel({ model: 'gpt-4o-mini', apiKey: 'sk-test', baseURL });
    const signal = new AbortController().signal;
    const first = await model.generate(
      {
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Look up 7' },
        ],
        tools: [
          {
            name: 'lookup',
            description: 'Finds a record.',
            parameters: { type: 'object', properties: { id: { type: 'number' } } },
          },
        ],
      },
      { signal },
    );
    expect(first.toolCalls).toMatchObject([{ name: 'lookup', arguments: '{"id":7}' }]);
    const second = await model.generate(
      {
        messages: [
          { role: 'user', content: 'Look up 7' },
          { role: 'assistant', content: '', toolCalls: first.toolCalls },
          {
            role: 'tool',
            toolCallId: first.toolCalls[0]!.id,
            name: 'lookup',
            content: '{"found":true}',
          },
        ],
        responseFormat: {
          type: 'json_schema',
          name: 'verdict',
          schema: {
            type: 'object',
            properties: { ok: { type: 'boolean' } },
            required: ['ok'],
            additionalProperties: false,
          },
        },
      },
      { signal },
    );
    expect(JSON.parse(second.content)).toEqual({ ok: true });
    expect(seen[0]?.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Look up 7' },
    ]);
    expect(seen[0]?.tools?.[0]?.name).toBe('lookup');
    expect(seen[1]?.messages[2]).toMatchObject({
      role: 'tool',
      name: 'lookup',
      content: '{"found":true}',
    });
    expect(seen[1]?.responseFormat).toMatchObject({ type: 'json_schema', name: 'verdict' });
    await expect(
      model.generate({ messages: [{ role: 'user', content: '?' }] }, { signal }),
    ).rejects.toMatchObject({
      kind: 'rate_limited',
    });
  });
});
