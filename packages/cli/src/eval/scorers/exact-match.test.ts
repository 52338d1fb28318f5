import { describe, expect, it } from 'vitest';
import { exactMatch } from './exact-match';
import { scoreInput } from './testing';

describe('exactMatch', () => {
  it('compares deeply, whatever the key order', () => {
    expect(exactMatch().score(scoreInput({ a: 1, b: [1, 2] }, { b: [1, 2], a: 1 }))).toEqual({
      score: 1,
      pass: true,
    });
  });

  it('says what it got and what it expected', () => {
    expect(exactMatch().score(scoreInput({ a: 1 }, { a: 2 }))).toEqual({
      score: 0,
      pass: false,
      reason: 'got {"a":2}, expected {"a":1}',
    });
  });

  it('compares one path when given', () => {
    expect(
      exactMatch({ path: 'customer.id' }).score(
        scoreInput({ customer: { id: 7 } }, { customer: { id: 7, x: 1 } }),
      ),
    ).toMatchObject({ pass: true });
  });

  it('fails a case whose row gives nothing to compare with, even when the run produced nothing', () => {
    // A run that failed has no output; a row without "expected" passed it as "equal".
    expect(exactMatch().score(scoreInput(undefined, undefined))).toEqual({
      score: 0,
      pass: false,
      reason:
        'the case\'s "expected" is missing, so there is nothing to compare the output (nothing) with; give it in the row (null for no value)',
    });
    expect(
      exactMatch({ path: 'label' }).score(scoreInput({ lable: 'ok' }, undefined)),
    ).toMatchObject({
      pass: false,
      reason:
        'the case\'s "expected" has nothing at "label", so there is nothing to compare the output (nothing) with; give it in the row (null for no value)',
    });
  });
});
