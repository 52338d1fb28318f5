import type { ChatModel, RunOutcome } from '@agentchart/core';
import { compoundAgent } from './agent';
import { solve } from './solve';
import { strongOnlyAgent } from './strong-only';

/** One question answered both ways. */
export interface CostRow {
  question: string;
  route: string;
  /** The generator that wrote the kept answer, and how many revisions it took. */
  model: string;
  revisions: number;
  compound: AnswerCost;
  strongOnly: AnswerCost;
}

/** One way of answering one question: its total, whether it was right, what it cost. */
export interface AnswerCost {
  total: number | undefined;
  right: boolean;
  costUsd: number;
  modelCalls: number;
  /** Why the run did not finish with an answer (its status and error); absent when it did. */
  unfinished?: string;
}

/** Totals over every question. */
export interface CostComparison {
  rows: CostRow[];
  compoundUsd: number;
  strongOnlyUsd: number;
  /** Share of the strong-only cost the compound agent did not spend. */
  saved: number;
  compoundRight: number;
  strongOnlyRight: number;
  /** Runs, of either agent, that did not finish with an answer: their costs compare nothing. */
  unfinished: number;
}

/**
 * Answers every question with the compound agent and with the strong model alone, on the
 * same models, and compares what each cost (the runs' usage, folded from their journals) and
 * how many each got right.
 */
export async function compareCosts({
  questions,
  models,
  expected = (question) => solve(question),
}: {
  questions: readonly string[];
  models: { cheap: ChatModel; strong: ChatModel };
  /** The right answer to a question, when known. Default: the demo's arithmetic. */
  expected?: (question: string) => number | undefined;
}): Promise<CostComparison> {
  const compound = compoundAgent(models);
  const baseline = strongOnlyAgent(models.strong);
  const rows: CostRow[] = [];
  const isRight = (question: string, total: number | undefined) => {
    const want = expected(question);
    return want !== undefined && total !== undefined && Math.abs(total - want) < 0.005;
  };
  for (const question of questions) {
    const a = await compound.run({ input: { question } });
    const b = await baseline.run({ input: { question } });
    const aOut = a.status === 'done' ? a.output : undefined;
    const bTotal = b.status === 'done' ? b.output.total : undefined;
    rows.push({
      question,
      route: aOut?.route ?? '—',
      model: aOut?.model ?? '—',
      revisions: aOut?.revisions ?? 0,
      compound: {
        total: aOut?.total,
        right: isRight(question, aOut?.total),
        costUsd: a.usage.costUsd,
        modelCalls: a.usage.modelCalls,
        ...unfinishedOf(a, aOut),
      },
      strongOnly: {
        total: bTotal,
        right: isRight(question, bTotal),
        costUsd: b.usage.costUsd,
        modelCalls: b.usage.modelCalls,
        ...unfinishedOf(b, b.status === 'done' ? b.output : undefined),
      },
    });
  }
  await Promise.all([compound.close(), baseline.close()]);
  const sum = (pick: (row: CostRow) => number) => rows.reduce((total, row) => total + pick(row), 0);
  const compoundUsd = sum((row) => row.compound.costUsd);
  const strongOnlyUsd = sum((row) => row.strongOnly.costUsd);
  return {
    rows,
    compoundUsd,
    strongOnlyUsd,
    saved: strongOnlyUsd === 0 ? 0 : 1 - compoundUsd / strongOnlyUsd,
    compoundRight: rows.filter((row) => row.compound.right).length,
    strongOnlyRight: rows.filter((row) => row.strongOnly.right).length,
    unfinished: rows.filter((row) => row.compound.unfinished || row.strongOnly.unfinished).length,
  };
}

/**
 * Why a run did not answer, in a line; nothing when it did. Both charts end `done` in their
 * `failed` state when an effect fails, with the error in their output.
 */
function unfinishedOf(
  outcome: RunOutcome,
  output: { reason?: string; message?: string } | undefined,
): { unfinished?: string } {
  switch (outcome.status) {
    case 'done':
      return output?.reason ? { unfinished: `failed: ${output.reason} — ${output.message}` } : {};
    case 'failed':
      return { unfinished: `failed: ${outcome.error.code} — ${outcome.error.message}` };
    case 'limit':
      return { unfinished: `limit: ${outcome.limit.limit} reached` };
    case 'waiting':
      return { unfinished: 'waiting: the answer went to a person for review' };
    case 'stopped':
      return { unfinished: 'stopped' };
  }
}

/**
 * The comparison's last line: both totals, and the savings only when they compare like with
 * like — every question answered by both agents, and the compound agent right at least once.
 * `answered` is false when a run did not answer (the demo then exits non-zero).
 */
export function summaryOf(comparison: CostComparison): { line: string; answered: boolean } {
  const { compoundUsd, strongOnlyUsd, saved, compoundRight, strongOnlyRight, rows, unfinished } =
    comparison;
  const usd = (value: number) => `$${value.toFixed(6)}`;
  const percent = `${(saved * 100).toFixed(1)}%`;
  const totals = `compound: ${usd(compoundUsd)}, ${compoundRight}/${rows.length} right; strong model alone: ${usd(strongOnlyUsd)}, ${strongOnlyRight}/${rows.length} right`;
  if (unfinished > 0) {
    // A run that failed cost less because it did less: no savings figure compares like with like.
    return {
      line: `${totals}\n${unfinished} of ${rows.length} questions were not answered by both (see above): no savings figure`,
      answered: false,
    };
  }
  if (compoundRight === 0) {
    return { line: `${totals}; no answer was right: no savings figure`, answered: true };
  }
  if (compoundRight < strongOnlyRight) {
    return {
      line: `${totals}; the compound agent spent ${percent} less but got fewer right`,
      answered: true,
    };
  }
  return { line: `${totals}; saved ${percent}`, answered: true };
}
