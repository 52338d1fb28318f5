import { describe, expect, it } from 'vitest';
import { contextFromRequest } from './context-from-request';

describe('contextFromRequest', () => {
  it('finds the system prompt, the last user message as input, and the rest as history', () => {
    const context = contextFromRequest({
      messages: [
        { role: 'system', content: 'rules' },
        { role: 'user', content: 'first question' },
        { role: 'assistant', content: 'first answer' },
        { role: 'user', content: 'second question' },
      ],
      tools: [{ name: 't', description: 'd', parameters: {} }],
    });
    expect(context.items.map((item) => [item.section, item.pinned ?? false])).toEqual([
      ['system', false],
      ['history', true],
      ['history', false],
      ['input', false],
    ]);
    expect(context.tools).toHaveLength(1);
  });

  it("keeps a tool loop's task as input and its tool turns as grouped history", () => {
    const context = contextFromRequest({
      messages: [
        { role: 'user', content: 'task' },
        { role: 'assistant', content: '', toolCalls: [{ id: 'a', name: 'x', arguments: '{}' }] },
        { role: 'tool', toolCallId: 'a', name: 'x', content: 'r' },
      ],
    });
    expect(context.items.map((item) => [item.section, item.messages.length])).toEqual([
      ['input', 1],
      ['history', 2],
    ]);
  });

  it('can leave the first user message unpinned', () => {
    const context = contextFromRequest(
      {
        messages: [
          { role: 'user', content: 'a' },
          { role: 'user', content: 'b' },
        ],
      },
      { pinFirstUserMessage: false },
    );
    expect(context.items[0]?.pinned).toBeUndefined();
  });
});
