import { hash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ChatMessage, ChatRequest, ToolDefinition } from '../model/types';
import { chainRequestHash, hashRequest } from './hash-request';

/** The hash as defined: sha256 over the rest's JSON followed by each message's hash. */
function definedHash({ messages, ...rest }: ChatRequest): string {
  let text = JSON.stringify(rest);
  for (const message of messages) text += hash('sha256', JSON.stringify(message), 'base64');
  return hash('sha256', text, 'hex').slice(0, 16);
}

const tools: ToolDefinition[] = [
  {
    name: 'add',
    description: 'Adds two numbers.',
    parameters: { type: 'object', properties: { a: { type: 'number' } }, required: ['a'] },
  },
];
const user: ChatMessage = { role: 'user', content: 'Count with the add tool. é ✓' };
const call: ChatMessage = {
  role: 'assistant',
  content: '',
  toolCalls: [{ id: 'c1', name: 'add', arguments: '{"a":1}' }],
};
const result: ChatMessage = { role: 'tool', toolCallId: 'c1', name: 'add', content: '{"sum":2}' };

describe('hashRequest', () => {
  it('hashes the rest of the request as JSON.stringify writes it, fields in their order', () => {
    const requests: ChatRequest[] = [
      { messages: [user] },
      { messages: [user], tools },
      { tools, messages: [user], temperature: 0.5, maxOutputTokens: 100 },
      { temperature: 0, messages: [user, call, result], tools, maxOutputTokens: undefined },
      {
        messages: [user],
        responseFormat: { type: 'json_schema', name: 'Answer', schema: { type: 'object' } },
        tools: [],
      },
    ];
    for (const request of requests) expect(hashRequest(request)).toBe(definedHash(request));
  });

  it('hashes a frozen field as defined on every call, and an unfrozen one as it is now', () => {
    const format = Object.freeze({
      type: 'json_schema' as const,
      name: 'Answer',
      schema: { type: 'object' },
    });
    for (let call = 0; call < 2; call++) {
      const request: ChatRequest = { messages: [user], responseFormat: format };
      expect(hashRequest(request)).toBe(definedHash(request));
    }
    const changing = { type: 'json_schema' as const, name: 'Answer', schema: { type: 'object' } };
    const before = hashRequest({ messages: [user], responseFormat: changing });
    changing.name = 'Verdict';
    const after = hashRequest({ messages: [user], responseFormat: changing });
    expect(after).not.toBe(before);
    expect(after).toBe(definedHash({ messages: [user], responseFormat: changing }));
  });

  it('gives the same hash continued from the previous call as computed whole', () => {
    const first = chainRequestHash({ messages: [user], tools });
    const second = chainRequestHash({ messages: [user, call, result], tools }, first.chain);
    expect(second.requestHash).toBe(definedHash({ messages: [user, call, result], tools }));
    const third = chainRequestHash(
      { messages: [user, call, result, { role: 'assistant', content: 'done' }], tools },
      second.chain,
    );
    expect(third.requestHash).toBe(
      definedHash({
        messages: [user, call, result, { role: 'assistant', content: 'done' }],
        tools,
      }),
    );
    // The chain can be continued more than once (two branches from one call).
    const again = chainRequestHash({ messages: [user, call], tools }, first.chain);
    expect(again.requestHash).toBe(definedHash({ messages: [user, call], tools }));
  });

  it('gives the same hash along a long conversation, call after call', () => {
    const messages: ChatMessage[] = [user];
    let chain = chainRequestHash({ messages: [...messages], tools }).chain;
    for (let round = 0; round < 150; round++) {
      messages.push(
        { ...call, toolCalls: [{ id: `c${round}`, name: 'add', arguments: `{"a":${round}}` }] },
        { ...result, toolCallId: `c${round}`, content: `{"sum":${round + 1}}` },
      );
      const next = chainRequestHash({ messages: [...messages], tools }, chain);
      expect(next.requestHash).toBe(definedHash({ messages, tools }));
      chain = next.chain;
    }
    // Continued twice from one point, and restarted when the history differs.
    const branch = { messages: [...messages, user], tools };
    expect(chainRequestHash(branch, chain).requestHash).toBe(definedHash(branch));
    expect(chainRequestHash(branch, chain).requestHash).toBe(definedHash(branch));
    const rewritten = { messages: [user, ...messages.slice(2)], tools };
    expect(chainRequestHash(rewritten, chain).requestHash).toBe(definedHash(rewritten));
  });

  it('starts again when the rest of the request or the earlier messages changed', () => {
    const first = chainRequestHash({ messages: [user, call, result], tools });
    const otherRest = { messages: [user, call, result, user], tools, temperature: 1 };
    expect(chainRequestHash(otherRest, first.chain).requestHash).toBe(definedHash(otherRest));
    // The same messages, but a copy of the first one: it is hashed from the start.
    const otherFirst = { messages: [{ ...user, content: 'Something else' }, call, result], tools };
    expect(chainRequestHash(otherFirst, first.chain).requestHash).toBe(definedHash(otherFirst));
    const shorter = { messages: [user], tools };
    expect(chainRequestHash(shorter, first.chain).requestHash).toBe(definedHash(shorter));
    const otherTools = { messages: [user, call, result], tools: [{ ...tools[0]!, name: 'sum' }] };
    expect(chainRequestHash(otherTools, first.chain).requestHash).toBe(definedHash(otherTools));
  });
});
