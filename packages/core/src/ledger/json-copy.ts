/** Returned where a value holds something a plain copy cannot give as JSON would. */
const notPlain = Symbol('not plain');

/** Deeper than this, a value is copied through its JSON text (which throws on a cycle). */
const maxPlainDepth = 100;

/**
 * `value` as a parse of its JSON text gives it back (text, numbers and the like: itself): the
 * copy a store's read returns. Plain data (objects, arrays, text, finite numbers, booleans,
 * null) is copied directly, several times faster than a JSON round trip for the small values a
 * journal entry holds; anything else — a class instance, a `Date` or other `toJSON`, `NaN`,
 * `undefined` in a list, a function — sends the whole value through its JSON text, so the copy
 * is the same either way.
 */
export function jsonCopy<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  const copy = plainCopy(value, 0);
  if (copy !== notPlain) return copy as T;
  const json = JSON.stringify(value);
  return json === undefined ? (undefined as T) : JSON.parse(json);
}

function plainCopy(value: object, depth: number): unknown {
  if (depth > maxPlainDepth) return notPlain;
  if (Array.isArray(value)) {
    const copy: unknown[] = new Array(value.length);
    for (let index = 0; index < value.length; index++) {
      const item = itemCopy(value[index], depth);
      if (item === notPlain) return notPlain;
      copy[index] = item;
    }
    return copy;
  }
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return notPlain;
  const record = value as Record<string, unknown>;
  if (typeof record.toJSON === 'function') return notPlain;
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(record)) {
    const field = record[key];
    // JSON leaves an undefined field out; a field named __proto__ is an own field once parsed.
    if (field === undefined) continue;
    if (key === '__proto__') return notPlain;
    const item = itemCopy(field, depth);
    if (item === notPlain) return notPlain;
    copy[key] = item;
  }
  return copy;
}

function itemCopy(item: unknown, depth: number): unknown {
  switch (typeof item) {
    case 'string':
    case 'boolean':
      return item;
    case 'number':
      // JSON writes -0 as 0.
      return Number.isFinite(item) ? item + 0 : notPlain;
    case 'object':
      return item === null ? null : plainCopy(item, depth + 1);
    default:
      return notPlain;
  }
}
