import type { AnyActorRef } from 'xstate';
import { type SnapshotWithChildren, sourceOf, stateOfChild } from './child-actors';

/** A child spawned without an id, found in a run's actor tree. */
export interface ChildWithoutId {
  child: AnyActorRef;
  /** The key XState stored it under: its session id (`x:<n>`), or `"undefined"`. */
  id: string;
  src: string;
  state: string;
}

/**
 * The keys of a child spawned without an id: XState's session id (`x:0`, `x:1`, …) for one
 * made by `spawn()` in `assign` — the counter behind it starts again in every process, so a
 * restored run's next spawn may be given the key of a child it restored — and `"undefined"`
 * for a `spawnChild` action (one in `enqueueActions`: others are refused at definition).
 */
const keyWithoutId = /^(?:x:\d+|undefined)$/;

/**
 * The children under `snapshot` (child machines' own included) stored under an id XState made
 * up, skipping those `skip` says were met already. Only keys are read, and only when the
 * snapshot has children: it runs at every checkpoint.
 */
export function childrenWithoutId(
  snapshot: SnapshotWithChildren,
  skip?: ReadonlySet<AnyActorRef>,
  found: ChildWithoutId[] = [],
): ChildWithoutId[] {
  const { children } = snapshot;
  if (!children) return found;
  for (const id in children) {
    const child = children[id];
    if (!child) continue;
    if (keyWithoutId.test(id) && !skip?.has(child)) {
      found.push({ child, id, src: sourceOf(child), state: stateOfChild(snapshot, id) });
    }
    const childSnapshot = child.getSnapshot() as SnapshotWithChildren;
    if (childSnapshot.machine !== undefined) childrenWithoutId(childSnapshot, skip, found);
  }
  return found;
}

/** The `agent.warning` message for a child spawned without an id. */
export function childWithoutIdWarning({ id, src, state }: ChildWithoutId): string {
  const loss =
    id === 'undefined'
      ? `XState keys such a child "undefined", so a checkpoint holds only the last one spawned: a restored run (after an eviction, a crash or a restart) loses the others, their timers and the events they would send.`
      : `XState keys such a child by its session id ("${id}"), from a counter that starts again in every process. When this run is restored in another process (after a crash, a restart, or a hand-back to another worker), a child it spawns then can be given the same key and replace this one in the snapshot: this child, its timers and the events it would send are lost.`;
  const spawn = id === 'undefined' ? 'spawnChild' : 'spawn';
  return `State "${state}" spawned "${src}" without an id. ${loss} Give it an id unique among the children alive at once: ${spawn}('${src}', { id: '${src}-1' }), or an id from the event. Reported once per agent and place.`;
}
