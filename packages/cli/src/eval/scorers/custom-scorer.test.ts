import { describe, expect, it } from 'vitest';
import { customScorer } from './custom-scorer';
import { scoreInput } from './testing';

describe('customScorer', () => {
  it('takes a boolean, a score (passing at passAt) or a full result', async () => {
    expect(await customScorer('b', () => true).score(scoreInput(1, 1))).toEqual({
      score: 1,
      pass: true,
    });
    expect(await customScorer('n', () => 0.6, { passAt: 0.5 }).score(scoreInput(1, 1))).toEqual({
      score: 0.6,
      pass: true,
    });
    expect(await customScorer('n', () => 0.6).score(scoreInput(1, 1))).toEqual({
      score: 0.6,
      pass: false,
    });
    expect(
      await customScorer('r', ({ output }) => ({
        score: 0,
        pass: false,
        reason: `bad ${output}`,
      })).score(scoreInput(1, 2)),
    ).toEqual({ score: 0, pass: false, reason: 'bad 2' });
  });
});
