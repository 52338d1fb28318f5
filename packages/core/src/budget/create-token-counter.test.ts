import { describe, expect, it } from 'vitest';
import { createTokenCounter, estimateTokenCounter } from './create-token-counter';
import { wordCounter } from './testing/word-counter';

describe('createTokenCounter', () => {
  it('refuses a counter that cannot count, or would mislabel its ledgers', () => {
    const countText = (text: string) => text.length;
    const refused: [object, RegExp][] = [
      [{ encoding: 'cl100k', exact: true, countText: 42 }, /countText is the number 42/],
      [{ encoding: '', exact: true, countText }, /encoding is an empty string/],
      [{ encoding: 'cl100k', exact: 'yes', countText }, /exact is the string "yes"/],
      [{ encoding: 'cl100k', exact: true, countTxt: countText }, /countTxt is not an option/],
    ];
    for (const [options, message] of refused) {
      expect(() => createTokenCounter(options as never)).toThrow(message);
    }
  });

  it('frames each message with 3 tokens and its role, and primes the reply with 3', () => {
    // system: 3 + 1 role + 2 words; user: 3 + 1 + 3; priming 3.
    expect(
      wordCounter.countMessages([
        { role: 'system', content: 'be brief' },
        { role: 'user', content: 'what is this' },
      ]),
    ).toBe(6 + 7 + 3);
  });

  it('counts an assistant tool call with its name and arguments, and a tool result with its name', () => {
    const call = {
      role: 'assistant' as const,
      content: '',
      toolCalls: [{ id: 'c1', name: 'lookup', arguments: '{"q": "x"}' }],
    };
    // 3 + role 1 + content 0 + (3 + name 1 + arguments 2).
    expect(wordCounter.countMessage(call)).toBe(10);
    // 3 + role 1 + content 2 + name 1 - 1.
    expect(
      wordCounter.countMessage({
        role: 'tool',
        toolCallId: 'c1',
        name: 'lookup',
        content: 'two words',
      }),
    ).toBe(6);
  });

  it('adds 9 tokens for tool definitions, 5 when they join a system message', () => {
    const tools = [
      { name: 'ping', description: 'Ping it', parameters: { type: 'object', properties: {} } },
    ];
    const rendered = wordCounter.countText(
      'namespace functions {\n\n// Ping it\ntype ping = () => any;\n\n} // namespace functions',
    );
    expect(wordCounter.countTools(tools)).toBe(rendered + 9);
    expect(wordCounter.countTools(tools, { hasSystemMessage: true })).toBe(rendered + 5);
    expect(wordCounter.countTools([])).toBe(0);
  });

  it('counts a json_schema response format and nothing for text', () => {
    expect(wordCounter.countResponseFormat({ type: 'text' })).toBe(0);
    expect(
      wordCounter.countResponseFormat({
        type: 'json_schema',
        name: 'verdict',
        schema: { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'] },
      }),
    ).toBeGreaterThan(9);
  });

  it('counts a whole request as messages, tools and response format', () => {
    const request = {
      messages: [
        { role: 'system' as const, content: 'be brief' },
        { role: 'user' as const, content: 'hi' },
      ],
      tools: [{ name: 'ping', description: 'Ping it', parameters: {} }],
    };
    expect(wordCounter.countRequest(request)).toBe(
      wordCounter.countMessages(request.messages) +
        wordCounter.countTools(request.tools, { hasSystemMessage: true }),
    );
  });

  it('counts a message object once, and again when its content changes', () => {
    let calls = 0;
    const counter = createTokenCounter({
      encoding: 'spy',
      exact: true,
      countText: (text) => {
        calls++;
        return text.length;
      },
    });
    const message: { role: 'user'; content: string } = { role: 'user', content: 'abc' };
    counter.countMessage(message);
    const afterFirst = calls;
    expect(counter.countMessage(message)).toBe(3 + 4 + 3);
    expect(calls).toBe(afterFirst);
    message.content = 'abcdef';
    expect(counter.countMessage(message)).toBe(3 + 4 + 6);
  });
});

describe('estimateTokenCounter', () => {
  it('says it is an estimate', () => {
    expect(estimateTokenCounter).toMatchObject({ encoding: 'estimate', exact: false });
  });
});
