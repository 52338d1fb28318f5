import type { AnyActorRef } from 'xstate';
import { effectSpecOf } from '../effects/create-effect-logic';
import { type SnapshotWithChildren, sourceOf, stateOfChild } from './child-actors';

/** A plain actor a restore starts again. */
export interface RestartedActor {
  src: string;
  state: string;
}

/**
 * The actors under a restored snapshot (child machines' own included) that XState starts again
 * with it: those active in the checkpoint that are neither state machines nor agentchart
 * effects — `fromPromise`, `fromCallback`, `fromObservable` — which have no journal to replay.
 * Read before the actor starts.
 */
export function restartedActors(
  snapshot: SnapshotWithChildren,
  found: RestartedActor[] = [],
): RestartedActor[] {
  const { children } = snapshot;
  if (!children) return found;
  for (const id in children) {
    const child = children[id];
    if (!child) continue;
    const childSnapshot = child.getSnapshot() as SnapshotWithChildren;
    if (childSnapshot.status !== 'active') continue;
    if (childSnapshot.machine !== undefined) restartedActors(childSnapshot, found);
    else if (effectSpecOf((child as AnyActorRef & { logic?: unknown }).logic) === undefined) {
      found.push({ src: sourceOf(child), state: stateOfChild(snapshot, id) });
    }
  }
  return found;
}

/** The `agent.warning` message for a plain actor a restore started again. */
export function restartedActorWarning({ src, state }: RestartedActor): string {
  return `The run was restored while "${src}" (invoked in state "${state}") was running, and XState started it again: a fromPromise, fromCallback or fromObservable actor has no journal, so what it did before the crash or hand-back is done a second time (a promise runs again, a callback or an observable subscribes again). Do what must not happen twice through toolCall and a tool whose effect says what a repeat does; agentchart effects replay from the journal instead.`;
}
