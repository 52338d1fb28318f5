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
  const text = value === undefined ? 'nothing' : (canonical(value) ?? String(value));
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}

function canonical(value: unknown): string | undefined {
  return JSON.stringify(value, (_, item: unknown) =>
    item && typeof item === 'object' && !Array.isArray(item)
      ? Object.fromEntries(Object.entries(item).sort(([a], [b]) => a.localeCompare(b)))
      : item,
  );
}
