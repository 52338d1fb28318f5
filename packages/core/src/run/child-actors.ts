import type { AnyActorRef, StateValue } from 'xstate';
import { leafStatePaths } from './state-paths';

/** The parts of a machine snapshot (or another actor's) that a walk over its children reads. */
export interface SnapshotWithChildren {
  status?: string;
  value?: unknown;
  machine?: { id?: string };
  children?: Record<string, AnyActorRef | undefined>;
  _nodes?: readonly { id: string; invoke?: readonly { id: string }[] }[];
}

/** The name a child actor was registered under (`setup({ actors })`), or what it is. */
export function sourceOf(child: AnyActorRef): string {
  const { src } = child as { src?: unknown };
  return typeof src === 'string' ? src : 'an inline actor';
}

/**
 * The state a child of `snapshot`'s machine belongs to: the active state that invokes it, or,
 * for a spawned child, the machine's active states (where it was when the child was met).
 */
export function stateOfChild(snapshot: SnapshotWithChildren, childId: string): string {
  for (const node of snapshot._nodes ?? []) {
    if (node.invoke?.some((invoke) => invoke.id === childId)) return node.id;
  }
  const machineId = snapshot.machine?.id ?? '';
  if (snapshot.value === undefined) return machineId;
  const paths = leafStatePaths(snapshot.value as StateValue);
  return paths.map((path) => (machineId ? `${machineId}.${path}` : path)).join('", "');
}
