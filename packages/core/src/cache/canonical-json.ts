/**
 * JSON with object keys sorted and `undefined` properties left out, so two values that mean
 * the same serialise the same (`{a, b}` and `{b, a}`). Arrays keep their order: order means
 * something in messages. Like `JSON.stringify`, non-finite numbers become `null`.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value))
    return `[${value.map((item) => canonicalJson(item ?? null)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(
      ([, item]) => item !== undefined && typeof item !== 'function' && typeof item !== 'symbol',
    )
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
}
