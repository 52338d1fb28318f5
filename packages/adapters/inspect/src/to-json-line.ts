/**
 * A message as one line of JSON. Actor snapshots hold references back to their actors (a
 * cycle) and may be deep: repeated objects become `"[Circular]"`, anything deeper than
 * `maxDepth` `"[Object]"`, functions their name — the inspector needs the shape, not the
 * object graph.
 */
export function toJsonLine(value: unknown, maxDepth = 10): string {
  const ancestors: object[] = [];
  return JSON.stringify(value, function replace(this: unknown, _key, current: unknown) {
    if (typeof current === 'function') return { type: current.name || 'function' };
    if (typeof current === 'bigint') return current.toString();
    if (current === null || typeof current !== 'object') return current;
    // `this` is the object holding `current`: pop the ancestors we have walked back out of.
    while (ancestors.length > 0 && ancestors.at(-1) !== this) ancestors.pop();
    if (ancestors.includes(current)) return '[Circular]';
    if (ancestors.length > maxDepth) return Array.isArray(current) ? '[Array]' : '[Object]';
    ancestors.push(current);
    return current;
  });
}
