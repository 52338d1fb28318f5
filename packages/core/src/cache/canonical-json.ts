/**
 * JSON with object keys sorted and `undefined` properties left out, so two values that mean
 * the same serialise the same (`{a, b}` and `{b, a}`). Arrays keep their order: order means
 * something in messages. Like `JSON.stringify`, non-finite numbers become `null`.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  // Loops rather than entries, filter, sort and map: a tool loop takes this of every call's
  // arguments twice (its repeated-call check and the journal's input hash).
  if (Array.isArray(value)) {
    let json = '';
    for (let index = 0; index < value.length; index++) {
      // A hole is written as nothing, as `map` and `join` wrote it.
      const item = index in value ? canonicalJson(value[index] ?? null) : '';
      json += index === 0 ? item : `,${item}`;
    }
    return `[${json}]`;
  }
  const record = value as Record<string, unknown>;
  // The default sort compares UTF-16 code units, as `a < b` does. Keys often come sorted
  // already (`{ a, b }`): then there is nothing to sort, and sort's own copy is not made.
  const keys = Object.keys(record);
  if (!isSorted(keys)) keys.sort();
  let json = '';
  for (const key of keys) {
    const item = record[key];
    if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
    const field = `${JSON.stringify(key)}:${canonicalJson(item)}`;
    json += json ? `,${field}` : field;
  }
  return `{${json}}`;
}

function isSorted(keys: readonly string[]): boolean {
  for (let index = 1; index < keys.length; index++)
    if (keys[index - 1]! > keys[index]!) return false;
  return true;
}
