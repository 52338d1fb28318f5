import { describe, expect, it } from 'vitest';
import { formatEvalTable } from './format-eval-table';
import type { EvalVariantSummary } from './types';

const variant = (passed: number, cases: number): EvalVariantSummary => ({
  variant: 'v1',
  cases,
  passed,
  passRate: passed / cases,
  scorers: {},
  prompts: [],
  modelCalls: 0,
  tokens: 0,
  costUsd: 0,
  scoringCostUsd: 0,
  ms: 0,
});

describe('formatEvalTable', () => {
  it('shows the pass rate and the minimum apart when one decimal would print them alike (gate line)', () => {
    // 2 of 3 is 66.67%, below a minimum of 66.7%: the gate said "66.7% < the minimum 66.7%".
    expect(formatEvalTable({ variants: [variant(2, 3)], cases: [], minPassRate: 0.667 })).toContain(
      'FAIL  v1: 66.67% < the minimum 66.70%',
    );
    expect(
      formatEvalTable({ variants: [variant(1799, 2000)], cases: [], minPassRate: 0.9 }),
    ).toContain('FAIL  v1: 89.95% < the minimum 90.00%');
    // Figures one decimal tells apart stay as they were.
    expect(formatEvalTable({ variants: [variant(1, 5)], cases: [], minPassRate: 0.9 })).toContain(
      'FAIL  v1: 20.0% < the minimum 90.0%',
    );
  });
});
