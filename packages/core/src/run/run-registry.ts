import type { AnyActorRef } from 'xstate';
import type { RunPort } from './run-port';

/**
 * Effect actors find their run through the XState actor system they live in: one system per
 * run, shared by every child. A WeakMap keeps this free of globals that outlive runs.
 */
const runsBySystem = new WeakMap<object, RunPort>();

/** Binds an actor system to the run that owns it. */
export function registerRun(system: object, run: RunPort): void {
  runsBySystem.set(system, run);
}

/** Unbinds an actor system from `run`, once the run has let go of it (a later run's binding stays). */
export function unregisterRun(system: object, run: RunPort): void {
  if (runsBySystem.get(system) === run) runsBySystem.delete(system);
}

/** The run an actor system belongs to, if it was started by an agent. */
export function runOf(system: object): RunPort | undefined {
  return runsBySystem.get(system);
}

/**
 * The effect site of an actor: the chain of actor ids from the run's root down to it, so the
 * same invoke id in two nested machines are different sites.
 */
export function siteOf(self: AnyActorRef): string {
  const parent = (self as { _parent?: AnyActorRef })._parent;
  // Most effects are invoked by the root machine: their site is their own id, with no array
  // made, reversed and joined for it (once per effect).
  if (parent && !(parent as { _parent?: AnyActorRef })._parent) return self.id;
  const ids: string[] = [];
  let current: AnyActorRef | undefined = self;
  // `_parent` is XState's link to the parent actor; the root has none and is not part of the site.
  while (current && (current as { _parent?: AnyActorRef })._parent) {
    ids.push(current.id);
    current = (current as { _parent?: AnyActorRef })._parent;
  }
  return ids.reverse().join('/');
}
