import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../model/types';
import { maxRecordedMessageCharacters, recordRequest } from './record-request';

const system: ChatMessage = { role: 'system', content: 'You research.' };
const user: ChatMessage = { role: 'user', content: 'Find the buyer.' };
const assistant: ChatMessage = {
  role: 'assistant',
  content: '',
  toolCalls: [{ id: 'c1', name: 'lookup', arguments: '{}' }],
};
const tool: ChatMessage = { role: 'tool', toolCallId: 'c1', name: 'lookup', content: 'ACME' };

describe('recordRequest', () => {
  it("keeps a first call's messages whole, with the tools it offers by name", () => {
    expect(
      recordRequest(
        {
          messages: [system, user],
          tools: [{ name: 'lookup', description: 'd', parameters: {} }],
        },
        undefined,
      ),
    ).toEqual({ messages: [system, user], tools: ['lookup'] });
  });

  it("stores only what a tool loop's next call adds after the previous call's messages", () => {
    const previous = { key: 'research#0/0:llm', messages: [system, user] };
    expect(recordRequest({ messages: [system, { ...user }, assistant, tool] }, previous)).toEqual({
      after: 'research#0/0:llm',
      keep: 2,
      messages: [assistant, tool],
    });
  });

  it('stores everything again when the history was trimmed from the start', () => {
    const previous = { key: 'k', messages: [system, user, assistant] };
    expect(recordRequest({ messages: [user, tool] }, previous)).toEqual({
      messages: [user, tool],
    });
  });

  it('cuts a very long message and says how much is missing', () => {
    const long = 'x'.repeat(maxRecordedMessageCharacters + 10);
    const [message] = recordRequest(
      { messages: [{ role: 'user', content: long }] },
      undefined,
    ).messages;
    expect(message!.content).toHaveLength(maxRecordedMessageCharacters + 36);
    expect(message!.content.endsWith('… [10 more characters not journaled]')).toBe(true);
  });

  it('cuts a long message before an emoji the cut would split, never leaving half of it', () => {
    // The 16,000th UTF-16 unit is the first half of an emoji (two units).
    const content = `${'x'.repeat(maxRecordedMessageCharacters - 1)}😀${'y'.repeat(10)}`;
    const [recorded] = recordRequest({ messages: [{ role: 'user', content }] }, undefined).messages;
    // Before: the kept text ended in a lone surrogate, which UTF-8 cannot store.
    expect(recorded!.content).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
    expect(recorded!.content.startsWith(`${'x'.repeat(maxRecordedMessageCharacters - 1)}…`)).toBe(
      true,
    );
  });

  it("cuts a tool call's very long arguments, which the answer that made the call keeps whole", () => {
    // Before: a 5 MB argument was journaled again with the loop's next call.
    const args = JSON.stringify({ body: 'x'.repeat(maxRecordedMessageCharacters) });
    const call = { id: 'c1', name: 'upload', arguments: args };
    const answered: ChatMessage = { role: 'assistant', content: '', toolCalls: [call] };
    const previous = { key: 'k', messages: [system, user] };
    const recorded = recordRequest({ messages: [system, user, answered, tool] }, previous);
    const [kept] = recorded.messages as [Extract<ChatMessage, { role: 'assistant' }>];
    expect(kept.toolCalls?.[0]?.arguments).toHaveLength(maxRecordedMessageCharacters + 36);
    expect(kept.toolCalls?.[0]?.arguments.endsWith('… [11 more characters not journaled]')).toBe(
      true,
    );
    // The run's own message still matches the journal's cut copy, as a restored run has it.
    const next = recordRequest(
      { messages: [system, user, answered, tool, user] },
      { key: 'k2', messages: [system, user, kept, tool] },
    );
    expect(next).toMatchObject({ after: 'k2', keep: 4, messages: [user] });
  });
});
