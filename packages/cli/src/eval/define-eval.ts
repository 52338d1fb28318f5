import type { EvalSuite } from './types';

const evalSuiteMarker = Symbol.for('agentchart.evalSuite');

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
 */
export function defineEval<TInput = any, TExpected = any, TVariant = any>(
  suite: EvalSuite<TInput, TExpected, TVariant>,
): EvalSuite<TInput, TExpected, TVariant> {
  if (typeof suite.agent !== 'function') {
    throw new TypeError(
      `defineEval "${suite.name}": agent must be a function of the variant that returns an agent.`,
    );
  }
  if (!Array.isArray(suite.scorers) || suite.scorers.length === 0) {
    throw new TypeError(`defineEval "${suite.name}": give at least one scorer, e.g. exactMatch().`);
  }
  Object.defineProperty(suite, evalSuiteMarker, { value: true });
  return suite;
}

/** True for a suite made with {@link defineEval}, from any copy of this package. */
export function isEvalSuite(value: unknown): value is EvalSuite {
  return typeof value === 'object' && value !== null && evalSuiteMarker in value;
}
