import { describe, expect, it } from 'vitest';
import { numericTolerance } from './numeric-tolerance';
import { scoreInput } from './testing';

describe('numericTolerance', () => {
  it('passes within an absolute tolerance', () => {
    const scorer = numericTolerance({ field: 'total', tolerance: 0.01 });
    expect(scorer.score(scoreInput({ total: 10 }, { total: 10.005 }))).toMatchObject({
      pass: true,
      score: 1,
    });
    expect(scorer.score(scoreInput({ total: 10 }, { total: 10.5 }))).toMatchObject({
      pass: false,
      reason: 'got 10.5, expected 10 ± 0.01',
    });
  });

  it('passes within a share of the expected value with relative', () => {
    const scorer = numericTolerance({ tolerance: 0.1, relative: true });
    expect(scorer.score(scoreInput(200, 215))).toMatchObject({ pass: true });
    expect(scorer.score(scoreInput(200, 230))).toMatchObject({ pass: false });
  });

  it('fails when either side is not a number', () => {
    expect(numericTolerance({ tolerance: 1 }).score(scoreInput(3, '3'))).toMatchObject({
      pass: false,
      score: 0,
    });
  });

  it('names its tolerance and gives its reasons as a person writes them, not as floats add up', () => {
    const scorer = numericTolerance({ field: 'total', tolerance: 0.07, relative: true });
    // Before: "number total ±7.000000000000001%", and "± 0.21000000000000002".
    expect(scorer.name).toBe('number total ±7%');
    expect(scorer.score(scoreInput({ total: 3 }, { total: 4 }))).toMatchObject({
      pass: false,
      reason: 'got 4, expected 3 ± 0.21',
    });
  });

  it('fails an output of NaN with a reason, not a NaN score', () => {
    // Before: the score was NaN, refused by the run as the scorer's own error.
    expect(numericTolerance({ tolerance: 1 }).score(scoreInput(3, Number.NaN))).toMatchObject({
      pass: false,
      score: 0,
      reason: 'got NaN, expected the number 3',
    });
  });
});
