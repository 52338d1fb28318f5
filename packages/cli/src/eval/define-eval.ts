import { DefinitionError } from '@agentchart/core';
import { checkOptionNames, describeValue } from '@agentchart/core/internal';
import type { EvalSuite, Scorer } from './types';

const evalSuiteMarker = Symbol.for('agentchart.evalSuite');

/** Every option of a suite: a misspelt `minPassRate` would otherwise turn the gate off. */
const suiteOptionNames = Object.keys({
  name: true,
  agent: true,
  variants: true,
  input: true,
  output: true,
  scorers: true,
  reply: true,
  concurrency: true,
  minPassRate: true,
  scorerTimeoutMs: true,
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
  const { scorerTimeoutMs } = suite;
  if (
    scorerTimeoutMs !== undefined &&
    !(
      Number.isSafeInteger(scorerTimeoutMs) &&
      scorerTimeoutMs > 0 &&
      scorerTimeoutMs <= 2 ** 31 - 1
    )
  ) {
    throw new DefinitionError(
      'definition.invalid_option',
      `defineEval "${suite.name}": scorerTimeoutMs is ${describeValue(scorerTimeoutMs)}; it is how long one scorer may take on one case, in whole milliseconds from 1 to 2147483647 (60_000 for a minute).`,
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
  checkSuiteParts(suite);
  Object.defineProperty(suite, evalSuiteMarker, { value: true });
  return suite;
}

/** True for a suite made with {@link defineEval}, from any copy of this package. */
export function isEvalSuite(value: unknown): value is EvalSuite {
  return typeof value === 'object' && value !== null && evalSuiteMarker in value;
}

/** The parts of a suite a run would otherwise trip on, case after case, as TypeErrors. */
function checkSuiteParts(suite: EvalSuite): void {
  const fail = (message: string): never => {
    throw new DefinitionError(
      'definition.invalid_option',
      `defineEval "${suite.name}": ${message}`,
    );
  };
  suite.scorers.forEach((scorer, index) => {
    const candidate = scorer as Partial<Scorer> | null;
    if (typeof candidate?.name !== 'string' || typeof candidate.score !== 'function') {
      fail(
        `scorers[${index}] is not a scorer (an object with a name and score()); make one with exactMatch(), fieldMatch([...]) or customScorer(name, judge), got ${describeValue(scorer)}.`,
      );
    }
  });
  const { variants, concurrency, input, output } = suite;
  if (
    variants !== undefined &&
    (typeof variants !== 'object' ||
      variants === null ||
      Array.isArray(variants) ||
      Object.keys(variants).length === 0)
  ) {
    fail(
      `variants must name at least one variant to compare, such as { v1: promptV1, v2: promptV2 }, got ${describeValue(variants)}; leave it out to run the agent as it is.`,
    );
  }
  if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency >= 1)) {
    fail(
      `concurrency is ${describeValue(concurrency)}; give a whole number of cases at once, 1 or more.`,
    );
  }
  for (const [name, value] of [
    ['input', input],
    ['output', output],
    ['reply', suite.reply],
  ] as const) {
    if (value !== undefined && typeof value !== 'function') {
      fail(`${name} must be a function of the case or the run, got ${describeValue(value)}.`);
    }
  }
}
