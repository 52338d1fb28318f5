import { readFileSync } from 'node:fs';
import { parseDataset, runEval } from 'agentchart/eval';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

const dataset = new URL('../data/questions.jsonl', import.meta.url);

describe('router-verifier evals', () => {
  // The suite picks real models when OPENAI_API_KEY is set; these runs stay offline.
  beforeAll(() => vi.stubEnv('OPENAI_API_KEY', ''));
  afterAll(() => vi.unstubAllEnvs());

  it('scores both variants right on every question, the compound one for less', async () => {
    const { default: suite } = await import('../src/answers.eval');
    const cases = parseDataset(readFileSync(dataset, 'utf8'), 'questions.jsonl');
    const { variants, cases: results } = await runEval({ suite, cases });
    const [compound, strongOnly] = variants;
    expect(compound).toMatchObject({ variant: 'compound', passRate: 1 });
    expect(strongOnly).toMatchObject({ variant: 'strong-only', passRate: 1 });
    expect(compound!.costUsd).toBeLessThan(strongOnly!.costUsd);
    // The judge's verdicts are paid for apart from the agents' calls.
    expect(compound!.scoringCostUsd).toBeGreaterThan(0);
    expect(
      results.find((result) => result.caseId === 'q04' && result.variant === 'compound')?.scores,
    ).toEqual([
      { scorer: 'number total ±0.005', score: 1, pass: true },
      {
        scorer: 'judge',
        score: 1,
        pass: true,
        reason: 'The total is right.',
        usage: expect.objectContaining({ modelCalls: 1 }),
      },
      { scorer: 'at most 5 calls', score: 1, pass: true },
    ]);
  });
});
