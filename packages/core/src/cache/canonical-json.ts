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
  // The default sort compares UTF-16 code units, as `a < b` does.
  const keys = Object.keys(record).sort();
  let json = '';
  for (const key of keys) {
    const item = record[key];
    if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
    const field = `${JSON.stringify(key)}:${canonicalJson(item)}`;
    json += json ? `,${field}` : field;
  }
  return `{${json}}`;
}
