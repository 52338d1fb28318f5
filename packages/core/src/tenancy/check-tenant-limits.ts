import { DefinitionError } from '../errors/definition-error';
import { checkOptionNames, describeValue } from '../errors/option-names';
import { validateNumberOption } from '../reliability/validate-option';
import type { TenantLimits } from './types';

const limitNames: readonly (keyof TenantLimits)[] = [
  'requestsPerMinute',
  'requestsPerDay',
  'tokensPerMinute',
  'tokensPerDay',
];

/**
 * Checks one tenant's limits. A misspelt limit, or a value no count can exceed (NaN), would
 * leave that tenant unlimited without a word; a negative one would refuse every call.
 *
 * @throws DefinitionError `definition.invalid_option` naming the limit and what to give.
 */
export function checkTenantLimits(owner: string, limits: unknown, prefix = 'limits.'): void {
  checkOptionNames(owner, limits as object, limitNames, prefix);
  for (const name of limitNames) {
    const value = (limits as TenantLimits)[name];
    if (value === undefined) continue;
    validateNumberOption(owner, `${prefix}${name}`, value, {
      min: 0,
      max: Number.MAX_SAFE_INTEGER,
      integer: true,
      allowInfinity: true,
      expected: `a whole number of ${name.startsWith('requests') ? 'requests' : 'tokens'}, 0 or more (0 refuses every call), or leave it out for no limit`,
    });
  }
}

/** Checks the `limits` option itself: one tenant's limits for all, or a function of the tenant. */
export function checkTenantLimitsOption(owner: string, limits: unknown): void {
  if (typeof limits === 'function') return;
  if (typeof limits !== 'object' || limits === null) {
    throw new DefinitionError(
      'definition.invalid_option',
      `${owner}: limits is ${describeValue(limits)}. Give the same limits for every tenant ({ requestsPerMinute: 60 }) or a function of the tenant id that returns its own (undefined: unlimited).`,
    );
  }
  checkTenantLimits(owner, limits);
}
