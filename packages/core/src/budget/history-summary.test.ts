import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../model/types';
import { historySummary, withHistorySummary } from './history-summary';
import { wordCounter } from './testing/word-counter';
import type { ContextInput } from './types';

const task: ChatMessage = { role: 'user', content: 'the task' };
const call: ChatMessage = {
  role: 'assistant',
  content: '',
  toolCalls: [{ id: 'c1', name: 'read', arguments: '{}' }],
};
const result: ChatMessage = { role: 'tool', content: 'page one', toolCallId: 'c1', name: 'read' };
const answer: ChatMessage = { role: 'assistant', content: 'read it' };
const question: ChatMessage = { role: 'user', content: 'and now?' };

const context: ContextInput = {
  items: [
    { section: 'history', messages: [task], pinned: true },
    { section: 'history', messages: [call, result] },
    { section: 'history', messages: [answer] },
    { section: 'input', messages: [question] },
  ],
};

const summaryOf = (covers: ChatMessage[]) =>
  historySummary({
    covers,
    coveredTokens: covers.reduce((sum, message) => sum + wordCounter.countMessage(message), 0),
    counter: wordCounter,
    text: 'read page one',
    untrusted: false,
    fenceIdFrom: (text) => text,
  });

describe('withHistorySummary', () => {
  it('puts the summary in place of the oldest unpinned history it covers', () => {
    const summary = summaryOf([call, result]);
    expect(withHistorySummary(context, summary)?.items).toEqual([
      context.items[0],
      summary.item,
      context.items[2],
      context.items[3],
    ]);
    expect(summary.item.messages[0]?.content).toBe(
      '[Summary of 2 earlier messages]\nread page one',
    );
  });

  it('finds nothing when the history does not start with what it covers, whole and unchanged', () => {
    // Half a turn: a tool call would leave without its result.
    expect(withHistorySummary(context, summaryOf([call]))).toBeUndefined();
    expect(withHistorySummary(context, summaryOf([answer]))).toBeUndefined();
    const summary = summaryOf([call, result]);
    const changed = { ...result, content: 'page one, edited' };
    const edited: ContextInput = {
      items: context.items.map((item, index) =>
        index === 1 ? { ...item, messages: [call, changed] } : item,
      ),
    };
    expect(withHistorySummary(edited, summary)).toBeUndefined();
  });
});
