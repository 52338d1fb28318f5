/**
 * True when `value` nests arrays and objects more than `maxDepth` levels deep (a scalar is 0
 * levels, `[]` one, `[[]]` two). Walks depth first without recursion, so a value nested
 * deeply enough to overflow the stack of `JSON.stringify` is measured rather than thrown on,
 * and a value that refers to itself is caught once a path passes the limit.
 */
export function nestsDeeperThan(value: unknown, maxDepth: number): boolean {
  const pending: Array<{ item: unknown; depth: number }> = [{ item: value, depth: 0 }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { item, depth } = next;
    if (typeof item !== 'object' || item === null) continue;
    if (depth >= maxDepth) return true;
    for (const child of Array.isArray(item) ? item : Object.values(item)) {
      pending.push({ item: child, depth: depth + 1 });
    }
  }
  return false;
}
