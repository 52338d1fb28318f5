import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../model/types';
import { groupTurns } from './group-turns';

describe('groupTurns', () => {
  it('keeps an assistant tool call together with the results that answer it', () => {
    const messages: ChatMessage[] = [
      { role: 'user', content: 'task' },
      {
        role: 'assistant',
        content: '',
        toolCalls: [
          { id: 'a', name: 'x', arguments: '{}' },
          { id: 'b', name: 'y', arguments: '{}' },
        ],
      },
      { role: 'tool', toolCallId: 'a', name: 'x', content: '1' },
      { role: 'tool', toolCallId: 'b', name: 'y', content: '2' },
      { role: 'assistant', content: 'done' },
    ];
    expect(groupTurns(messages).map((group) => group.length)).toEqual([1, 3, 1]);
  });

  it('leaves a tool result that answers no preceding call on its own', () => {
    const messages: ChatMessage[] = [
      { role: 'assistant', content: '', toolCalls: [{ id: 'a', name: 'x', arguments: '{}' }] },
      { role: 'tool', toolCallId: 'zzz', name: 'x', content: '1' },
    ];
    expect(groupTurns(messages).map((group) => group.length)).toEqual([1, 1]);
  });
});
