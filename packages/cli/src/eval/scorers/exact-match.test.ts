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
});
