import { describe, expect, it } from 'vitest';
import { fieldMatch } from './field-match';
import { scoreInput } from './testing';

describe('fieldMatch', () => {
  it('scores the share of fields that match and passes only when all do', () => {
    const result = fieldMatch(['category', 'priority']).score(
      scoreInput(
        { category: 'billing', priority: 'high' },
        { category: 'billing', priority: 'low' },
      ),
    );
    expect(result).toEqual({
      score: 0.5,
      pass: false,
      reason: 'priority: got "low", expected "high"',
    });
  });

  it('reads dotted paths and treats a missing output as nothing', () => {
    expect(fieldMatch(['a.b']).score(scoreInput({ a: { b: 1 } }, { a: { b: 1 } }))).toMatchObject({
      pass: true,
    });
    expect(fieldMatch(['a']).score(scoreInput({ a: 1 }, undefined))).toMatchObject({
      pass: false,
      reason: 'a: got nothing, expected 1',
    });
  });
});
