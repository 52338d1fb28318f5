/**
 * True when a JSON Schema has a `pattern` or `patternProperties` anywhere (inside
 * `properties`, `items`, `$defs`, `propertyNames` …). A property that is merely named
 * "pattern" also counts: it only sends the schema to the slower, still exact, validator.
 */
export function usesPatterns(schema: unknown): boolean {
  // A loop, not recursion: a server's schema may be nested deeper than the call stack.
  const pending: unknown[] = [schema];
  const seen = new Set<object>();
  while (pending.length > 0) {
    const node = pending.pop();
    if (typeof node !== 'object' || node === null || seen.has(node)) continue;
    seen.add(node);
    if (Array.isArray(node)) {
      for (const item of node) pending.push(item);
      continue;
    }
    for (const [key, value] of Object.entries(node)) {
      if (key === 'pattern' && typeof value === 'string') return true;
      if (key === 'patternProperties') return true;
      pending.push(value);
    }
  }
  return false;
}
