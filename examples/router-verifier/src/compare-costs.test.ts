import { describe, expect, it } from 'vitest';
import { type CostComparison, compareCosts, summaryOf } from './compare-costs';
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

describe('summaryOf', () => {
  const comparison = (over: Partial<CostComparison>): CostComparison => ({
    rows: Array.from({ length: 4 }, () => ({}) as CostComparison['rows'][number]),
    compoundUsd: 1,
    strongOnlyUsd: 2,
    saved: 0.5,
    compoundRight: 4,
    strongOnlyRight: 4,
    unfinished: 0,
    ...over,
  });

  it('states the savings when both answered every question', () => {
    expect(summaryOf(comparison({}))).toEqual({
      line: 'compound: $1.000000, 4/4 right; strong model alone: $2.000000, 4/4 right; saved 50.0%',
      answered: true,
    });
  });

  it('states no savings when no answer was right', () => {
    const { line } = summaryOf(comparison({ compoundRight: 0, strongOnlyRight: 0 }));
    expect(line).toMatch(/no answer was right: no savings figure$/);
    expect(line).not.toMatch(/saved/);
  });

  it('says the cheaper agent got fewer right', () => {
    const { line } = summaryOf(comparison({ compoundRight: 2 }));
    expect(line).toMatch(/spent 50\.0% less but got fewer right$/);
  });

  it('reports unanswered questions instead of savings', () => {
    expect(summaryOf(comparison({ unfinished: 1 }))).toMatchObject({
      line: expect.stringMatching(
        /1 of 4 questions were not answered by both .*: no savings figure$/,
      ),
      answered: false,
    });
  });
});
