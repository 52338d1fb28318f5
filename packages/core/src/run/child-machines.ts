import type { AnyActorRef } from 'xstate';

interface SnapshotWithChildren {
  children?: Record<string, AnyActorRef | undefined>;
  machine?: unknown;
}

/**
 * Watches the child machines of a run's actor tree: their steps do not reach the root's
 * observers, yet they are the run's state (stored in its checkpoint) and may end its work.
 */
export class ChildMachines {
  /** Made with the first child machine: most runs have none. */
  #watched: WeakSet<AnyActorRef> | undefined;

  constructor(private readonly onStep: () => void) {}

  /** Subscribes to the child machines under `snapshot` not watched yet; true when there were some. */
  watch(snapshot: SnapshotWithChildren): boolean {
    if (!snapshot.children) return false;
    let found = false;
    for (const child of Object.values(snapshot.children)) {
      if (!child || this.#watched?.has(child)) continue;
      const childSnapshot = child.getSnapshot() as SnapshotWithChildren;
      if (childSnapshot.machine === undefined) continue;
      this.#watched ??= new WeakSet();
      this.#watched.add(child);
      found = true;
      child.subscribe({
        next: () => {
          this.watch(child.getSnapshot() as SnapshotWithChildren);
          this.onStep();
        },
        error: () => undefined,
      });
      this.watch(childSnapshot);
    }
    return found;
  }
}

/** True when an actor under `snapshot` (a direct child) is a state machine. */
export function hasChildMachine(snapshot: SnapshotWithChildren): boolean {
  for (const id in snapshot.children) {
    const child = snapshot.children[id];
    if (child && (child.getSnapshot() as SnapshotWithChildren).machine !== undefined) return true;
  }
  return false;
}
