import { headOf } from '../text/whole-characters';
import { DefinitionError } from './definition-error';

/**
 * Refuses an option name that is not one of `known`: misspelt, it would be ignored without a
 * word and its default used (`readonly: true` opening a file for writing). Names the option
 * it looks like, when one is near. `prefix` is the path of the options object
 * (`limits.`), put before every name in the message.
 *
 * @throws DefinitionError `definition.invalid_option`.
 */
export function checkOptionNames(
  owner: string,
  given: object,
  known: readonly string[],
  prefix = '',
): void {
  // `new SqliteCheckpointer('runs.db')`: a string's keys are its indexes, and "0 is not an
  // option" would say nothing of the mistake.
  if (typeof given !== 'object' || given === null || Array.isArray(given)) {
    throw new DefinitionError(
      'definition.invalid_option',
      `${owner}${prefix ? ` ${prefix.slice(0, -1)}` : ''} takes an options object, such as { ${known[0]}: … }, not ${describeValue(given)}. The options are ${known.map((name) => `${prefix}${name}`).join(', ')}.`,
    );
  }
  for (const key of Object.keys(given)) {
    if (known.includes(key)) continue;
    const closest = closestName(key, known);
    throw new DefinitionError(
      'definition.invalid_option',
      `${owner}: ${prefix}${key} is not an option${closest ? `; did you mean ${prefix}${closest}?` : '.'} It would be ignored. The options are ${known.map((name) => `${prefix}${name}`).join(', ')}.`,
    );
  }
}

/** The known name `name` most likely means: a near spelling, or one it begins. */
export function closestName(name: string, known: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(name.length / 3)) + 1;
  for (const candidate of known) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best ?? known.find((candidate) => candidate.toLowerCase().startsWith(lower));
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(
        previous[j]! + 1,
        row[j - 1]! + 1,
        previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = row;
  }
  return previous[b.length]!;
}

/** A short description of a value given where something else was expected: "the string "5"". */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === 'string') {
    return value === '' ? 'an empty string' : `the string ${JSON.stringify(headOf(value, 40))}`;
  }
  if (typeof value === 'object') {
    const name = (value as object).constructor?.name;
    return name && name !== 'Object' ? `a ${name}` : 'an object';
  }
  if (typeof value === 'function') return 'a function';
  return `the ${typeof value} ${String(value)}`;
}

/**
 * The names of an options type, from an object naming each once: the compiler refuses a
 * missing or an extra name, so the list checked at run time cannot drift from the type.
 */
export function optionNamesOf<TOptions>(names: Record<keyof TOptions & string, true>): string[] {
  return Object.keys(names);
}

/**
 * `options` without the keys given as `undefined`. Spread over defaults
 * (`{ ...defaults, ...definedOptions(given) }`), an option set to `undefined` then keeps its
 * default, as one left out does: `exactOptionalPropertyTypes` code passes
 * `{ maxSteps: process.env.MAX_STEPS ? Number(…) : undefined }` meaning "not set".
 */
export function definedOptions<TOptions extends object>(options: TOptions): TOptions {
  const defined: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) {
    if (value !== undefined) defined[key] = value;
  }
  return defined as TOptions;
}
