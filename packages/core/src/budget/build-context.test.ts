import { describe, expect, it } from 'vitest';
import { DefinitionError } from '../errors/definition-error';
import { buildContext } from './build-context';
import { placeAtEdges } from './place-at-edges';

describe('placeAtEdges', () => {
  it('puts the most relevant items first and last and the least relevant in the middle', () => {
    const placed = placeAtEdges([1, 2, 3, 4, 5], (rank) => rank);
    expect(placed).toEqual([5, 3, 1, 2, 4]);
    expect(placed[0]).toBe(5);
    expect(placed.at(-1)).toBe(4);
  });
});

describe('buildContext', () => {
  it('refuses a part it would leave out or ignore without a word', () => {
    // Each was taken: a misspelt system prompt was dropped from the request.
    const refused: [object, RegExp][] = [
      [{ sytem: 'Be brief.', input: 'hi' }, /sytem is not an option; did you mean system\?/],
      [{ input: 'hi', documentPlacement: 'middle' }, /documentPlacement is the string "middle"/],
      [
        { input: 'hi', history: [{ role: 'user', content: 'a' }], pinnedHistory: [1] },
        /pinnedHistory has the number 1/,
      ],
      [
        { input: 'hi', documents: [{ text: 'd', label: 'a', rank: Number.NaN }] },
        /document "a" has rank the number NaN/,
      ],
      [{ input: 42 }, /input is the number 42/],
    ];
    for (const [options, message] of refused) {
      expect(() => buildContext(options as never)).toThrow(DefinitionError);
      expect(() => buildContext(options as never)).toThrow(message);
    }
  });

  it('lays out system, memory, documents, history and input, in that order', () => {
    const context = buildContext({
      system: 'rules',
      memory: ['likes tea'],
      documents: [
        { text: 'low', label: 'd1', rank: 0.1 },
        { text: 'high', label: 'd2', rank: 0.9 },
        { text: 'mid', label: 'd3', rank: 0.5 },
      ],
      history: [
        { role: 'user', content: 'earlier' },
        { role: 'assistant', content: '', toolCalls: [{ id: 'a', name: 'x', arguments: '{}' }] },
        { role: 'tool', toolCallId: 'a', name: 'x', content: 'r' },
      ],
      pinnedHistory: [0],
      input: 'now',
    });
    expect(context.items.map((item) => item.section)).toEqual([
      'system',
      'memory',
      'documents',
      'documents',
      'documents',
      'history',
      'history',
      'input',
    ]);
    expect(
      context.items.filter((item) => item.section === 'documents').map((item) => item.label),
    ).toEqual(['d2', 'd1', 'd3']);
    expect(context.items[5]?.pinned).toBe(true);
    expect(context.items[6]?.messages).toHaveLength(2);
    expect(context.items.at(-1)?.messages).toEqual([{ role: 'user', content: 'now' }]);
  });

  it('keeps documents in the given order when asked', () => {
    const context = buildContext({
      documents: [
        { text: 'a', label: 'a', rank: 0 },
        { text: 'b', label: 'b', rank: 1 },
      ],
      input: 'q',
      documentPlacement: 'in-order',
    });
    expect(context.items.map((item) => item.label)).toEqual(['a', 'b', undefined]);
  });
});
