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

  it('fails a field the row does not give, even when the output has none either', () => {
    // A typo inside "expected" ({"lable": …}) passed every run that failed (no output).
    expect(fieldMatch(['label']).score(scoreInput({ lable: 'ok' }, undefined))).toEqual({
      score: 0,
      pass: false,
      reason:
        'label: the case\'s "expected" has nothing at "label", so there is nothing to compare the output (nothing) with; give it in the row (null for no value)',
    });
  });
});
