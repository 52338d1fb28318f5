import { checkOptionNames, describeValue } from '@agentchart/core/internal';
import type { ScoreInput, ScoreResult, Scorer } from '../types';
import { checkPassAt, refuse } from './refuse';

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
  options: { passAt?: number | undefined } = {},
): Scorer<TInput, TExpected> {
  // A misspelt `passat` left the default, 1, in force.
  checkOptionNames('customScorer', options, ['passAt']);
  const { passAt = 1 } = options;
  checkPassAt(`customScorer "${String(name)}"`, passAt);
  if (typeof name !== 'string' || name === '') {
    refuse(
      `customScorer: its first argument is the scorer's name for reports, such as customScorer('at most 5 calls', judge), got ${describeValue(name)}.`,
    );
  }
  if (typeof judge !== 'function') {
    refuse(
      `customScorer "${name}": its second argument must be a function of the case and the run that returns true/false, a score or { score, pass }, got ${describeValue(judge)}.`,
    );
  }
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
