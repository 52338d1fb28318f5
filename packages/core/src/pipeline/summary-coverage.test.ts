import { describe, expect, it } from 'vitest';
import { contextFromRequest } from '../budget/context-from-request';
import type { ChatMessage } from '../model/types';
import { createRedactor } from '../security/create-redactor';
import { coverageHash, coveredMessages } from './summary-coverage';

const redactor = createRedactor({ patterns: ['email'], environment: false });

const conversation: ChatMessage[] = [
  { role: 'user', content: 'Plan the trip; mail ada@example.com when done.' },
  { role: 'assistant', content: '', toolCalls: [{ id: 'c1', name: 'search', arguments: '{}' }] },
  { role: 'tool', toolCallId: 'c1', name: 'search', content: 'three trains a day' },
  { role: 'assistant', content: 'Take the 9:00 train.' },
  { role: 'user', content: 'And back?' },
];

describe('coverageHash', () => {
  it('hashes a conversation restored from storage, redacted and made anew, as the live one', () => {
    const restored = JSON.parse(JSON.stringify(redactor.value(conversation))) as ChatMessage[];
    expect(restored[0]!.content).toContain('[REDACTED:email]');
    expect(coverageHash(restored, redactor)).toBe(coverageHash(conversation, redactor));
  });

  it('tells messages apart by role, content and tool-call ids', () => {
    const hash = coverageHash(conversation, redactor);
    const changed = (index: number, message: ChatMessage) =>
      coverageHash(conversation.with(index, message), redactor);
    expect(changed(3, { role: 'user', content: 'Take the 9:00 train.' })).not.toBe(hash);
    expect(changed(3, { role: 'assistant', content: 'Take the 10:00 train.' })).not.toBe(hash);
    expect(
      changed(2, { role: 'tool', toolCallId: 'c2', name: 'search', content: 'three trains a day' }),
    ).not.toBe(hash);
    expect(
      changed(1, {
        role: 'assistant',
        content: '',
        toolCalls: [{ id: 'c2', name: 'search', arguments: '{}' }],
      }),
    ).not.toBe(hash);
  });

  it('digests a message changed in place again', () => {
    const message: ChatMessage = { role: 'assistant', content: 'first' };
    const before = coverageHash([message], redactor);
    message.content = 'second';
    expect(coverageHash([message], redactor)).not.toBe(before);
  });
});

describe('coveredMessages', () => {
  const context = contextFromRequest({ messages: conversation });
  // The first user message is pinned; the tool call and its result are one item.
  const oldest = conversation.slice(1, 4);

  it("returns the context's oldest unpinned history messages a summary stands for", () => {
    const ref = { messages: 3, hash: coverageHash(oldest, redactor) };
    expect(coveredMessages(context, ref, redactor)).toEqual(oldest);
    const two = { messages: 2, hash: coverageHash(oldest.slice(0, 2), redactor) };
    expect(coveredMessages(context, two, redactor)).toEqual(oldest.slice(0, 2));
  });

  it('finds nothing when the count ends inside an item or the messages differ', () => {
    const half = { messages: 1, hash: coverageHash(oldest.slice(0, 1), redactor) };
    expect(coveredMessages(context, half, redactor)).toBeUndefined();
    const other = { messages: 3, hash: coverageHash(conversation.slice(0, 3), redactor) };
    expect(coveredMessages(context, other, redactor)).toBeUndefined();
    const more = { messages: 9, hash: coverageHash(conversation, redactor) };
    expect(coveredMessages(context, more, redactor)).toBeUndefined();
  });
});
