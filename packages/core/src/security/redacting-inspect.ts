import type { InspectionEvent, Observer } from 'xstate';
import type { Redactor } from './create-redactor';

/** An actor's methods that return run data: through a stand-in, they return it redacted. */
const snapshotReaders = new Set<string | symbol>(['getSnapshot', 'getPersistedSnapshot']);
/** Fields of an inspection event that hold run data (context, events, action params). */
const payloadFields = ['snapshot', 'event', 'action'] as const;

/** What `createAgent({ inspect })` takes: an observer or a function of each event. */
export type InspectObserver = Observer<InspectionEvent> | ((event: InspectionEvent) => void);

/**
 * `inspect` behind the agent's redactor: every inspection event reaches it with its snapshot,
 * its XState event, its action's params and what its actor's and its sender's
 * `getSnapshot()` and `getPersistedSnapshot()` return redacted, as a checkpoint or a run event
 * is. The inspector protocol carries the machines' context and every event (a tool's
 * result, a person's reply) to a relay, a recording file or the studio: without this, a secret
 * redacted from storage would be written there whole.
 */
export function redactingInspect(inspect: InspectObserver, redactor: Redactor): InspectObserver {
  if (!redactor.active) return inspect;
  const forward =
    typeof inspect === 'function' ? inspect : (event: InspectionEvent) => inspect.next?.(event);
  // One stand-in per actor, so an inspector that keys actors by identity sees one actor.
  const standIns = new WeakMap<object, object>();
  const standInFor = <TActor extends object>(actor: TActor): TActor => {
    let standIn = standIns.get(actor) as TActor | undefined;
    if (!standIn) {
      standIn = new Proxy(actor, {
        get(target, property) {
          if (snapshotReaders.has(property)) {
            const read = Reflect.get(target, property, target) as (this: TActor) => unknown;
            return () => redactor.value(read.call(target));
          }
          const value = Reflect.get(target, property, target);
          // XState's own field behind getSnapshot(), read by some tools.
          if (property === '_snapshot') return redactor.value(value);
          // The way to other actors (inspectors read the parent): through stand-ins too.
          if (property === '_parent') return isObject(value) ? standInFor(value) : value;
          if (property === 'system') return isObject(value) ? systemStandInFor(value) : value;
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
      standIns.set(actor, standIn);
    }
    return standIn;
  };
  const systems = new WeakMap<object, object>();
  /** An actor system whose actors come out as stand-ins and whose snapshot comes out redacted. */
  const systemStandInFor = (system: object): object => {
    let standIn = systems.get(system);
    if (!standIn) {
      standIn = new Proxy(system, {
        get(target, property) {
          const value = Reflect.get(target, property, target);
          if (typeof value !== 'function') return value;
          if (property === 'get') {
            return (id: string) => {
              const actor = (value as (id: string) => unknown).call(target, id);
              return isObject(actor) ? standInFor(actor) : actor;
            };
          }
          if (property === 'getAll') {
            return () =>
              Object.fromEntries(
                Object.entries((value as () => Record<string, object>).call(target)).map(
                  ([id, actor]) => [id, standInFor(actor)],
                ),
              );
          }
          if (property === 'getSnapshot') {
            return () => redactor.value((value as () => unknown).call(target));
          }
          return value.bind(target);
        },
      });
      systems.set(system, standIn);
    }
    return standIn;
  };
  // Every event type's payload, not a list of the types known today: a microstep carries the
  // event and the snapshot too, an action its params, and a sent event its sender.
  const redacted = (event: InspectionEvent): InspectionEvent => {
    const copy: Record<string, unknown> = { ...event, actorRef: standInFor(event.actorRef) };
    for (const field of payloadFields) {
      if (field in event) copy[field] = redactor.value(copy[field]);
    }
    const { sourceRef } = event as { sourceRef?: object };
    if (sourceRef) copy.sourceRef = standInFor(sourceRef);
    return copy as unknown as InspectionEvent;
  };
  const next = (event: InspectionEvent) => forward(redacted(event));
  if (typeof inspect === 'function') return next;
  return {
    next,
    ...(inspect.error ? { error: (error: unknown) => inspect.error?.(error) } : {}),
    ...(inspect.complete ? { complete: () => inspect.complete?.() } : {}),
  };
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}
