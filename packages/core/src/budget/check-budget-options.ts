import { DefinitionError } from '../errors/definition-error';
import { checkOptionNames, describeValue, optionNamesOf } from '../errors/option-names';
import { validateNumberOption } from '../reliability/validate-option';
import { defaultSectionPolicies } from './section-policies';
import type { ContextBudgetOptions, ContextStrategy, SectionPolicy } from './types';

const budgetOptionNames = optionNamesOf<ContextBudgetOptions>({
  strategies: true,
  sections: true,
  reserveOutputTokens: true,
  minOutputTokens: true,
  safetyMargin: true,
  keepLastTurns: true,
  minCutTokens: true,
  headShare: true,
  summaryTokens: true,
});

const policyNames = optionNamesOf<SectionPolicy>({
  priority: true,
  droppable: true,
  cuttable: true,
});

/** Every strategy the planner knows; a name outside it would be skipped without a word. */
export const contextStrategies: readonly ContextStrategy[] = [
  'trim-oldest-history',
  'drop-lowest-priority',
  'compress-history',
  'keep-head-and-tail',
];

const wholeTokens = (name: string, min: number) => ({
  min,
  max: Number.MAX_SAFE_INTEGER,
  integer: true,
  expected: `a whole number of tokens, ${min} or more`,
  name,
});

const numberRules = [
  wholeTokens('reserveOutputTokens', 1),
  wholeTokens('minOutputTokens', 1),
  {
    name: 'keepLastTurns',
    min: 0,
    max: Number.MAX_SAFE_INTEGER,
    integer: true,
    expected: 'a whole number of turns, 0 or more',
  },
  wholeTokens('minCutTokens', 1),
  wholeTokens('summaryTokens', 1),
  { name: 'safetyMargin', min: 0, max: 0.9, expected: 'a share of the window from 0 to 0.9' },
  {
    name: 'headShare',
    min: 0,
    max: 1,
    expected: 'the share of a cut message kept from its head, from 0 to 1',
  },
] as const;

/**
 * Checks a context budget's options when the agent or the effect is defined: a misspelt or
 * unknown strategy would be skipped and a request that needs it would fail far from the
 * cause; a negative reserve or a margin over the window would plan against a window that
 * does not exist.
 *
 * @param owner What the budget belongs to, e.g. `createAgent` or `toolLoop`.
 * @param prefix How the options are reached from the owner's, e.g. `budget.`.
 * @throws DefinitionError `definition.invalid_option` naming the option and what to give.
 */
export function checkBudgetOptions(owner: string, budget: unknown, prefix: string): void {
  const fail = (message: string): never => {
    throw new DefinitionError('definition.invalid_option', `${owner}: ${prefix}${message}`);
  };
  if (typeof budget !== 'object' || budget === null || Array.isArray(budget)) {
    throw new DefinitionError(
      'definition.invalid_option',
      `${owner}: ${prefix.slice(0, -1)} must be an object of options, such as { strategies: ['trim-oldest-history'] }, got ${describeValue(budget)}.`,
    );
  }
  checkOptionNames(owner, budget, budgetOptionNames, prefix);
  const given = budget as Record<string, unknown>;
  const { strategies, sections } = given;
  if (strategies !== undefined) {
    if (!Array.isArray(strategies)) {
      fail(
        `strategies must be a list, such as ['trim-oldest-history', 'keep-head-and-tail'], got ${describeValue(strategies)}.`,
      );
    }
    for (const strategy of strategies as unknown[]) {
      if (!contextStrategies.includes(strategy as ContextStrategy)) {
        fail(
          `strategies lists ${typeof strategy === 'string' ? `"${strategy}"` : describeValue(strategy)}, which is not a strategy; it would never be applied. The strategies are ${contextStrategies.join(', ')}.`,
        );
      }
    }
  }
  for (const { name, ...rule } of numberRules) {
    const value = given[name];
    if (value !== undefined) validateNumberOption(owner, `${prefix}${name}`, value as number, rule);
  }
  const { reserveOutputTokens, minOutputTokens } = given as ContextBudgetOptions;
  if (
    reserveOutputTokens !== undefined &&
    minOutputTokens !== undefined &&
    minOutputTokens > reserveOutputTokens
  ) {
    fail(
      `minOutputTokens (${minOutputTokens}) is above reserveOutputTokens (${reserveOutputTokens}): the reserve may only shrink to it. Give a minimum at or below the reserve.`,
    );
  }
  if (sections === undefined) return;
  if (typeof sections !== 'object' || sections === null || Array.isArray(sections)) {
    fail(
      `sections must be an object of policies by section, such as { documents: { priority: 60 } }, got ${describeValue(sections)}.`,
    );
  }
  const sectionNames = Object.keys(defaultSectionPolicies);
  for (const [section, policy] of Object.entries(sections as object)) {
    if (!sectionNames.includes(section)) {
      fail(
        `sections.${section} is not a section whose messages a budget may drop or cut; it would be ignored. The sections are ${sectionNames.join(', ')}.`,
      );
    }
    // `history: undefined` is the section left out: its default policy.
    if (policy === undefined) continue;
    checkOptionNames(owner, policy, policyNames, `${prefix}sections.${section}.`);
    const { priority, droppable, cuttable } = policy as Record<string, unknown>;
    if (priority !== undefined && !Number.isFinite(priority)) {
      fail(`sections.${section}.priority must be a finite number, got ${describeValue(priority)}.`);
    }
    for (const [flag, value] of [
      ['droppable', droppable],
      ['cuttable', cuttable],
    ] as const) {
      if (value !== undefined && typeof value !== 'boolean') {
        fail(`sections.${section}.${flag} must be true or false, got ${describeValue(value)}.`);
      }
    }
  }
}
