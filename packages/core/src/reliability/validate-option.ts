import { DefinitionError } from '../errors/definition-error';
import { describeValue } from '../errors/option-names';

/** The largest delay a platform timer accepts; Node fires longer ones after 1 ms instead. */
export const maxTimerMs = 2_147_483_647;

interface NumberRule {
  /** Smallest accepted value. */
  min: number;
  /** True when `min` itself is refused (a ratio in (0, 1]). */
  exclusiveMin?: boolean | undefined;
  max?: number | undefined;
  integer?: boolean | undefined;
  /** True when `Infinity` means "no limit". */
  allowInfinity?: boolean | undefined;
  /** What to give, ending the error message: "Give …". */
  expected: string;
}

/**
 * Checks one numeric option of {@link createReliabilityPolicy}, so a wrong value fails when the
 * policy is built rather than as an odd delay in the middle of a run.
 *
 * @throws DefinitionError `definition.invalid_option` naming the option and what to give.
 */
export function validateNumberOption(
  owner: string,
  name: string,
  value: number,
  {
    min,
    exclusiveMin = false,
    max = maxTimerMs,
    integer = false,
    allowInfinity = false,
    expected,
  }: NumberRule,
): void {
  const valid =
    typeof value === 'number' &&
    !Number.isNaN(value) &&
    (value === Number.POSITIVE_INFINITY
      ? allowInfinity
      : (exclusiveMin ? value > min : value >= min) &&
        value <= max &&
        (!integer || Number.isInteger(value)));
  if (!valid) {
    throw new DefinitionError(
      'definition.invalid_option',
      `${owner}: ${name} is ${typeof value === 'number' ? String(value) : describeValue(value)}. Give ${expected}.`,
    );
  }
}

/**
 * Refuses option names a policy no longer reads, so an old configuration fails when the
 * policy is made instead of being silently ignored.
 *
 * @throws DefinitionError `definition.invalid_option` naming the option and its replacement.
 */
export function rejectRemovedOptions(
  owner: string,
  group: string,
  options: object,
  replacements: Readonly<Record<string, string>>,
): void {
  for (const [name, replacement] of Object.entries(replacements)) {
    if (Object.hasOwn(options, name)) {
      throw new DefinitionError(
        'definition.invalid_option',
        `${owner}: ${group}.${name} is no longer an option. ${replacement}`,
      );
    }
  }
}
