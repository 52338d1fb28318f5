import type { StateValue } from 'xstate';

/** The active leaf states of a state value as dotted paths: `{ a: { b: 'c' } }` → `['a.b.c']`. */
export function leafStatePaths(value: StateValue, prefix = ''): string[] {
  if (typeof value === 'string') return [prefix + value];
  const paths: string[] = [];
  for (const [key, child] of Object.entries(value)) {
    if (child === undefined) continue;
    const childPaths = leafStatePaths(child as StateValue, `${prefix}${key}.`);
    if (childPaths.length === 0) paths.push(prefix + key);
    else paths.push(...childPaths);
  }
  return paths;
}
