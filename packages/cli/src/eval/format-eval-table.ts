import { formatColumns } from '../commands/open-store';
import { terminalSafe } from '../terminal-text';
import type { EvalCaseResult, EvalVariantSummary, PromptVersion } from './types';

const percent = (share: number, decimals = 1) => `${(share * 100).toFixed(decimals)}%`;

/**
 * A pass rate and the minimum it is held to, with as many decimals as it takes to tell them
 * apart (up to 4): at one, 2 of 3 failing a minimum of 0.667 read "66.7% < the minimum 66.7%".
 */
function percentsApart(share: number, minimum: number): [string, string] {
  let decimals = 1;
  while (decimals < 4 && percent(share, decimals) === percent(minimum, decimals)) decimals++;
  return [percent(share, decimals), percent(minimum, decimals)];
}
const promptNames = (prompts: readonly PromptVersion[]) =>
  prompts.map((prompt) => `${prompt.id}@${prompt.version}`).join(', ') || '—';

/**
 * The eval's table: a row per case with each variant's verdict side by side (✓ or ✗ and the
 * mean score), then each variant's pass rate, usage and prompt versions, then why each
 * failing case failed.
 */
export function formatEvalTable({
  variants,
  cases,
  minPassRate,
}: {
  variants: readonly EvalVariantSummary[];
  cases: readonly EvalCaseResult[];
  minPassRate?: number | undefined;
}): string {
  const names = variants.map((variant) => variant.variant);
  const byCase = new Map<string, Map<string, EvalCaseResult[]>>();
  for (const result of cases) {
    const row = byCase.get(result.caseId) ?? new Map<string, EvalCaseResult[]>();
    row.set(result.variant, [...(row.get(result.variant) ?? []), result]);
    byCase.set(result.caseId, row);
  }
  const verdict = (results: readonly EvalCaseResult[] | undefined) => {
    if (!results?.length) return '';
    if (results.length === 1) {
      const [result] = results as [EvalCaseResult];
      return `${result.passed ? '✓' : '✗'} ${result.score.toFixed(2)}${result.status === 'done' ? '' : ` ${result.status}`}`;
    }
    // A case run several times: how many of its runs passed, and their mean score.
    const passed = results.filter((result) => result.passed).length;
    const mean = results.reduce((sum, result) => sum + result.score, 0) / results.length;
    return `${passed === results.length ? '✓' : '✗'} ${passed}/${results.length} ${mean.toFixed(2)}`;
  };
  const rows: string[][] = [['case', ...names]];
  for (const [caseId, results] of byCase)
    rows.push([caseId, ...names.map((name) => verdict(results.get(name)))]);
  rows.push(['', ...names.map(() => '')]);
  rows.push([
    'pass rate',
    ...variants.map((variant) => `${variant.passed}/${variant.cases} ${percent(variant.passRate)}`),
  ]);
  if (variants.some((variant) => variant.flakyCases !== undefined)) {
    rows.push(['flaky cases', ...variants.map((variant) => String(variant.flakyCases ?? 0))]);
  }
  const scorerNames = [...new Set(variants.flatMap((variant) => Object.keys(variant.scorers)))];
  for (const scorer of scorerNames) {
    rows.push([
      `  ${scorer}`,
      ...variants.map((variant) => variant.scorers[scorer]?.toFixed(2) ?? '—'),
    ]);
  }
  rows.push(['prompts', ...variants.map((variant) => promptNames(variant.prompts))]);
  rows.push(['model calls', ...variants.map((variant) => String(variant.modelCalls))]);
  rows.push(['tokens', ...variants.map((variant) => String(variant.tokens))]);
  rows.push(['cost', ...variants.map((variant) => `$${variant.costUsd.toFixed(5)}`)]);
  // A judge's verdicts are paid for too, but they are not the agent's cost.
  if (variants.some((variant) => variant.scoringCostUsd > 0)) {
    rows.push([
      'scoring cost',
      ...variants.map((variant) => `$${variant.scoringCostUsd.toFixed(5)}`),
    ]);
  }
  rows.push(['time', ...variants.map((variant) => `${variant.ms} ms`)]);
  const lines = [formatColumns(rows)];
  const failing = cases.filter((result) => !result.passed);
  if (failing.length > 0) {
    lines.push('', 'failed:');
    for (const result of failing) {
      const why =
        result.error ??
        result.scores
          .filter((score) => !score.pass)
          .map((score) => `${score.scorer}: ${score.reason ?? `score ${score.score.toFixed(2)}`}`)
          .join('; ');
      const which = result.run === undefined ? '' : ` #${result.run}`;
      // A run's error and a scorer's reason may quote what a model or a page wrote.
      lines.push(terminalSafe(`  ${result.caseId}${which} [${result.variant}] ${why}`));
    }
  }
  if (minPassRate !== undefined) {
    lines.push('');
    for (const variant of variants) {
      const ok = variant.passRate >= minPassRate;
      const [rate, minimum] = percentsApart(variant.passRate, minPassRate);
      lines.push(
        `${ok ? 'pass' : 'FAIL'}  ${variant.variant}: ${rate} ${ok ? '≥' : '<'} the minimum ${minimum}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
