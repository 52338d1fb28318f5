import { hash } from 'node:crypto';
import { canonicalJson } from '../cache/canonical-json';
import { RunError } from '../errors/run-error';

/**
 * What an approval is bound to: SHA-256 (hex) of the tool's name and its arguments as
 * canonical JSON (keys sorted, `undefined` left out, values with `toJSON` — a `URL`, a
 * `Date` — as what it returns), so `{a, b}` and `{b, a}` are the same call and any changed
 * value is another one.
 *
 * @throws RunError `approval.arguments_not_json` when the arguments hold a value JSON cannot
 * write as it is (a `Map`, a `Set`, a class instance with no `toJSON`, a `BigInt`, a function,
 * a non-finite number, a cycle): written `{}` or left out, two different calls would get one
 * hash, and a person would approve what they were not shown.
 */
export function argumentsHash(tool: string, args: unknown): string {
  const json = canonicalJson(
    { tool, arguments: args ?? null },
    {
      // The path starts at the object hashed, { tool, arguments }.
      onLossy: (path, description) => {
        throw lossyArgumentsError(tool, path.slice(1), description);
      },
    },
  );
  return hash('sha256', json, 'hex');
}

/**
 * The failure of an approval whose arguments hold, at `path`, a value JSON cannot write as
 * it is (`description` says which): what the person would be shown and what the approval
 * is bound to would stand for other values too.
 */
export function lossyArgumentsError(
  tool: string,
  path: readonly (string | number)[],
  description: string,
): RunError {
  const where = path.length === 0 ? 'are' : `hold, at ${path.join('.')},`;
  return new RunError('approval.arguments_not_json', {
    message: `The call of tool "${tool}" cannot be approved: its validated arguments ${where} ${description}. A person would see and approve JSON that other values share, so nobody was asked and the call did not run. Make the tool's input schema give JSON values (text, numbers, booleans, plain objects and arrays: a Map as an object or a list of entries, a Set as an array, a BigInt as text) and convert them inside execute, or give the class a toJSON that writes all it holds.`,
    details: { tool, path: [...path], value: description },
  });
}
