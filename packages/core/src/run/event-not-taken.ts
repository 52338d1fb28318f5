import type { EventObject, StateValue } from 'xstate';
import { RunError } from '../errors/run-error';
import { leafStatePaths } from './state-paths';

/** The parts of a machine snapshot {@link eventNotTakenError} reads. */
export interface SnapshotOfStates {
  value?: unknown;
  _nodes?: readonly { ownEvents?: readonly string[] }[];
}

/**
 * Said to whoever sent `event` to a run whose active states take no transition for it now:
 * XState would drop it, so it is not sent, and the sender is told instead of losing it — a
 * chat's user message sent while the agent is still answering the last one, say. Names the
 * active states, the events they take, and whether `event` is one of them (then its guards
 * refused it), and says what to do: send it again once the run waits, or take it in every
 * state it can arrive in (a handler on the root that queues it in the context).
 */
export function eventNotTakenError(
  threadId: string,
  snapshot: SnapshotOfStates,
  event: EventObject,
  working: boolean,
): RunError {
  const states = snapshot.value === undefined ? [] : leafStatePaths(snapshot.value as StateValue);
  const takes = eventsTaken(snapshot);
  const guarded = takes.some((descriptor) => matches(descriptor, event.type));
  const where =
    states.length === 1 ? `its state "${states[0]}"` : `its states "${states.join('", "')}"`;
  const why = guarded
    ? `the guards of every transition ${where} has for it refuse it now`
    : `${where} ${states.length === 1 ? 'has' : 'have'} no transition for it${takes.length === 0 ? ' (they take no event now)' : ` (they take ${takes.map((type) => `"${type}"`).join(', ')})`}`;
  const now = working ? 'is working' : 'is waiting';
  return new RunError('run.event_not_taken', {
    message: `Thread "${threadId}" did not take "${event.type}": ${why}, so XState would drop it. Nothing was delivered; the run ${now} as it was. Send it again once the run waits for it (handle.result() resolves "waiting" in a state that takes it), or have the chart take it in every state it can arrive in — a handler on the root that queues it in the context, taken up when the turn ends.`,
    details: { threadId, type: event.type, states, takes, guarded },
  });
}

/** The event types (or wildcards) the active states have a transition for, guards aside. */
function eventsTaken(snapshot: SnapshotOfStates): string[] {
  const types = new Set<string>();
  for (const node of snapshot._nodes ?? []) {
    for (const type of node.ownEvents ?? []) {
      // XState's own (a timer, an effect's done or error) are not the sender's to send.
      if (!type.startsWith('xstate.')) types.add(type);
    }
  }
  return [...types];
}

/** True when a transition's event descriptor (`"note"`, `"note.*"`, `"*"`) covers `type`. */
function matches(descriptor: string, type: string): boolean {
  if (descriptor === type || descriptor === '*') return true;
  return descriptor.endsWith('.*') && type.startsWith(descriptor.slice(0, -1));
}
