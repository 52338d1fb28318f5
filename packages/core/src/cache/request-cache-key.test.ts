import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../model/types';
import { requestCacheKey } from './request-cache-key';

const base: ChatRequest = {
  messages: [
    { role: 'system', content: 'rules' },
    { role: 'user', content: 'hello' },
  ],
  temperature: 0,
};

describe('requestCacheKey', () => {
  it('is a sha256 hex digest, the same for the same request whatever its key order', () => {
    const key = requestCacheKey('openai:gpt-4o-mini', base);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(
      requestCacheKey('openai:gpt-4o-mini', {
        temperature: 0,
        messages: base.messages,
        tools: undefined,
      }),
    ).toBe(key);
  });

  it('changes with the model, a message, a parameter or the schema', () => {
    const key = requestCacheKey('m', base);
    expect(requestCacheKey('other', base)).not.toBe(key);
    expect(requestCacheKey('m', { ...base, temperature: 0.7 })).not.toBe(key);
    expect(
      requestCacheKey('m', {
        ...base,
        messages: [...base.messages, { role: 'user', content: '!' }],
      }),
    ).not.toBe(key);
    const schema = (type: string) =>
      ({
        type: 'json_schema',
        name: 'out',
        schema: { type: 'object', properties: { a: { type } } },
      }) as const;
    expect(requestCacheKey('m', { ...base, responseFormat: schema('string') })).not.toBe(
      requestCacheKey('m', { ...base, responseFormat: schema('number') }),
    );
  });

  it('ignores the tool call ids a provider made up', () => {
    const withIds = (first: string, second: string): ChatRequest => ({
      messages: [
        { role: 'user', content: 'go' },
        {
          role: 'assistant',
          content: '',
          toolCalls: [
            { id: first, name: 'a', arguments: '{}' },
            { id: second, name: 'b', arguments: '{}' },
          ],
        },
        { role: 'tool', toolCallId: first, name: 'a', content: '1' },
        { role: 'tool', toolCallId: second, name: 'b', content: '2' },
      ],
    });
    expect(requestCacheKey('m', withIds('call_x9', 'call_q2'))).toBe(
      requestCacheKey('m', withIds('abc', 'def')),
    );
  });
});
