import type { AnyActorRef } from 'xstate';

interface SnapshotWithChildren {
  status: string;
  children?: Record<string, AnyActorRef | undefined>;
  machine?: unknown;
}

/**
 * True when any actor in the tree under `snapshot` is doing work: an active child that is
 * not a state machine (a promise, callback or observable actor) counts, unless `isBlocking`
 * says it is an agentchart effect waiting on the outside world (a human wait). Child
 * machines count through their own children. So a chart of plain `fromPromise` actors never
 * comes to rest mid-run.
 */
export function hasWorkInFlight(
  snapshot: SnapshotWithChildren,
  isBlocking: (actor: AnyActorRef) => boolean | undefined,
): boolean {
  const { children } = snapshot;
  if (!children) return false;
  for (const child of Object.values(children)) {
    if (!child) continue;
    const childSnapshot = child.getSnapshot() as SnapshotWithChildren;
    if (childSnapshot.status !== 'active') continue;
    if (childSnapshot.machine !== undefined) {
      if (hasWorkInFlight(childSnapshot, isBlocking)) return true;
      continue;
    }
    if (isBlocking(child) ?? true) return true;
  }
  return false;
}
