import { describe, expect, it } from 'vitest';
import { scoreInput } from './testing';
import { trajectory } from './trajectory';

const entered = ['classifying', 'awaitingDesk', 'routed'];

describe('trajectory', () => {
  it('checks the expected states in order, others allowed between, by default', () => {
    const score = (spec: string[]) =>
      trajectory().score(
        scoreInput(undefined, undefined, { trajectory: entered, trajectorySpec: spec }),
      );
    expect(score(['classifying', 'routed'])).toMatchObject({ pass: true });
    expect(score(['routed', 'classifying'])).toMatchObject({
      pass: false,
      reason: 'entered classifying → awaitingDesk → routed; expected routed → classifying',
    });
  });

  it('checks the exact path, or only that each state was entered', () => {
    const input = (spec: string[]) =>
      scoreInput(undefined, undefined, { trajectory: entered, trajectorySpec: spec });
    expect(trajectory({ mode: 'exact' }).score(input(['classifying', 'routed']))).toMatchObject({
      pass: false,
    });
    expect(trajectory({ mode: 'exact' }).score(input(entered))).toMatchObject({ pass: true });
    expect(trajectory({ mode: 'includes' }).score(input(['routed', 'classifying']))).toMatchObject({
      pass: true,
    });
  });

  it('skips a case that names no trajectory', () => {
    expect(
      trajectory().score(scoreInput(undefined, undefined, { trajectory: entered })),
    ).toMatchObject({ skipped: true, pass: true });
  });
});
