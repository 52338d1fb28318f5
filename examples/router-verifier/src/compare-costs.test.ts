import { describe, expect, it } from 'vitest';
import { compareCosts } from './compare-costs';
import { demoModels } from './demo-models';
import { sampleQuestions } from './questions';

describe('compareCosts on the demo models', () => {
  it('answers every question right for less than the strong model alone', async () => {
    const comparison = await compareCosts({ questions: sampleQuestions, models: demoModels() });
    expect(comparison.compoundRight).toBe(sampleQuestions.length);
    expect(comparison.strongOnlyRight).toBe(sampleQuestions.length);
    expect(comparison.compoundUsd).toBeLessThan(comparison.strongOnlyUsd);
    expect(comparison.saved).toBeCloseTo(1 - comparison.compoundUsd / comparison.strongOnlyUsd, 10);
    const byQuestion = new Map(comparison.rows.map((row) => [row.question, row]));
    // One step: the cheap model answers and its answer is verified, in three cheap calls.
    expect(byQuestion.get('What is 18% of 250?')).toMatchObject({
      route: 'quick',
      model: 'cheap',
      revisions: 0,
      compound: { modelCalls: 3 },
    });
    // The cheap model forgets to round; the verifier catches it and the strong one revises.
    expect(byQuestion.get('What is 15% of 240, rounded up to the next ten?')).toMatchObject({
      route: 'quick',
      model: 'strong',
      revisions: 1,
      compound: { total: 40, right: true, modelCalls: 5 },
    });
    // Several steps go to the strong model at once.
    const order = sampleQuestions.find((question) => question.startsWith('An order of 7'))!;
    expect(byQuestion.get(order)).toMatchObject({
      route: 'careful',
      model: 'strong',
      revisions: 0,
    });
  });
});
