import type { ScoreInput, ScoreResult, Scorer } from '../types';

/**
 * A scorer from your own function: `true`/`false`, a score from 0 to 1 (passing at
 * `passAt`, default 1), or a full {@link ScoreResult}. A function that throws fails the case
 * with the error as the reason.
 */
export function customScorer<TInput = any, TExpected = any>(
  name: string,
  judge: (
    input: ScoreInput<TInput, TExpected>,
  ) => boolean | number | ScoreResult | Promise<boolean | number | ScoreResult>,
  { passAt = 1 }: { passAt?: number } = {},
): Scorer<TInput, TExpected> {
  return {
    name,
    async score(input) {
      const verdict = await judge(input);
      if (typeof verdict === 'boolean') return { score: verdict ? 1 : 0, pass: verdict };
      if (typeof verdict === 'number') return { score: verdict, pass: verdict >= passAt };
      return verdict;
    },
  };
}
