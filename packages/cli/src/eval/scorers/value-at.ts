import { headOf } from '@agentchart/core/internal';

/** The value at a dotted path (`customer.address.city`, `items.0.sku`); the value itself for `''`. */
export function valueAt(value: unknown, path: string): unknown {
  if (path === '') return value;
  let current = value;
  for (const key of path.split('.')) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** Deep equality of JSON-like values, whatever the order of object keys. */
export function sameValue(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

/** A short JSON rendering for reasons: `"billing"`, `{"a":1}`, cut at 60 characters. */
export function show(value: unknown): string {
  // JSON writes NaN and Infinity as null, which is not what the output held.
  const numberJsonHasNot = typeof value === 'number' && !Number.isFinite(value);
  const text =
    value === undefined
      ? 'nothing'
      : numberJsonHasNot
        ? String(value)
        : (canonical(value) ?? String(value));
  return text.length > 60 ? `${headOf(text, 59)}…` : text;
}

function canonical(value: unknown): string | undefined {
  return JSON.stringify(value, (_, item: unknown) =>
    item && typeof item === 'object' && !Array.isArray(item)
      ? Object.fromEntries(Object.entries(item).sort(([a], [b]) => a.localeCompare(b)))
      : item,
  );
}

/**
 * Why a case cannot be judged at `path`, or undefined when its row gives a value there. Without
 * this, a row missing `expected` (or with a typo inside it) and a run that failed, with no
 * output, compared "nothing" with "nothing" and passed.
 */
export function missingExpected(expected: unknown, path: string, got: unknown): string | undefined {
  if (expected !== undefined) return undefined;
  const where = path === '' ? 'is missing' : `has nothing at "${path}"`;
  return `the case's "expected" ${where}, so there is nothing to compare the output (${show(got)}) with; give it in the row (null for no value)`;
}
