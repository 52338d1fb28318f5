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

/** The parts of an XState state node the initial configuration is read from. */
interface StateNodeShape {
  type: string;
  path: string[];
  states: Record<string, StateNodeShape>;
  initial?: { target: readonly StateNodeShape[] } | undefined;
}

/**
 * The leaf states a new actor of a machine enters first, as {@link leafStatePaths} names them:
 * the initial state of each compound state and every region of a parallel one, from `node`
 * down. What XState's first microstep enters, which its inspection does not report.
 */
export function initialLeafPaths(node: StateNodeShape): string[] {
  if (node.type === 'parallel') return Object.values(node.states).flatMap(initialLeafPaths);
  if (node.type === 'compound') return (node.initial?.target ?? []).flatMap(initialLeafPaths);
  return node.type === 'history' ? [] : [node.path.join('.')];
}
