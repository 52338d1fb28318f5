import { DefinitionError } from '@agentchart/core';
import { checkOptionNames, describeValue } from '@agentchart/core/internal';
import type { EvalSuite } from './types';

const evalSuiteMarker = Symbol.for('agentchart.evalSuite');

/** Every option of a suite: a misspelt `minPassRate` would otherwise turn the gate off. */
const suiteOptionNames = Object.keys({
  name: true,
  agent: true,
  variants: true,
  input: true,
  output: true,
  scorers: true,
  concurrency: true,
  minPassRate: true,
} satisfies Record<keyof EvalSuite, true>);

/**
 * Declares an eval suite for `agentchart eval <module> <dataset.jsonl>`: the agent under test
 * (per variant, e.g. per prompt version), the scorers, and how to read a run.
 *
 * @example
 * ```ts
 * export default defineEval({
 *   name: 'support triage',
 *   variants: { v1: triagePrompt, v2: triagePromptShort },
 *   agent: (prompt) => supportAgent({ model: demoModel(), prompt }),
 *   scorers: [fieldMatch(['category'])],
 * });
 * ```
 *
 * @throws DefinitionError `definition.invalid_option` for a name that is not an option (a
 * misspelt `minPassRate` would leave the gate off) or a `minPassRate` outside 0 to 1.
 */
export function defineEval<TInput = any, TExpected = any, TVariant = any>(
  suite: EvalSuite<TInput, TExpected, TVariant>,
): EvalSuite<TInput, TExpected, TVariant> {
  checkOptionNames(`defineEval "${suite.name}"`, suite, suiteOptionNames);
  const { minPassRate } = suite;
  if (
    minPassRate !== undefined &&
    (typeof minPassRate !== 'number' || !(minPassRate >= 0 && minPassRate <= 1))
  ) {
    throw new DefinitionError(
      'definition.invalid_option',
      `defineEval "${suite.name}": minPassRate is ${describeValue(minPassRate)}; it is the share of cases that must pass, from 0 to 1 (0.9 for 90%).`,
    );
  }
  if (typeof suite.agent !== 'function') {
    throw new DefinitionError(
      'definition.invalid_option',
      `defineEval "${suite.name}": agent must be a function of the variant that returns an agent, not ${describeValue(suite.agent)}.`,
    );
  }
  if (!Array.isArray(suite.scorers) || suite.scorers.length === 0) {
    throw new DefinitionError(
      'definition.invalid_option',
      `defineEval "${suite.name}": give at least one scorer, e.g. scorers: [exactMatch()].`,
    );
  }
  Object.defineProperty(suite, evalSuiteMarker, { value: true });
  return suite;
}

/** True for a suite made with {@link defineEval}, from any copy of this package. */
export function isEvalSuite(value: unknown): value is EvalSuite {
  return typeof value === 'object' && value !== null && evalSuiteMarker in value;
}
