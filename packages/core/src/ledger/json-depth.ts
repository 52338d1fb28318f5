/**
 * The deepest a value sent into a run from outside — a human reply, an event, a tool's
 * output, a model's structured answer or tool-call arguments — may nest arrays and objects. Far above any form's answer or webhook's body, far below where storing it
 * fails: a checkpoint keeps 2,000 levels, a sent value sits some levels down in the machine's
 * context, and JSON.stringify overflows the stack a little short of 2,000.
 */
export const maxSentValueDepth = 256;

/**
 * True when `value` nests arrays and objects more than `maxDepth` levels deep (a scalar is 0
 * levels, `[]` one, `[[]]` two). Walks depth first without recursion, so a value nested
 * deeply enough to overflow the stack of `JSON.stringify` is measured rather than thrown on,
 * and a value that refers to itself is caught once a path passes the limit.
 */
export function nestsDeeperThan(value: unknown, maxDepth: number): boolean {
  // A scalar (a tool's count, a flag, a text) nests nothing: no list to walk for it.
  if (typeof value !== 'object' || value === null) return false;
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
