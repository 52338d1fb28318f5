import type { InspectionEvent, Observer } from 'xstate';
import type { Redactor } from './create-redactor';

/** What `createAgent({ inspect })` takes: an observer or a function of each event. */
export type InspectObserver = Observer<InspectionEvent> | ((event: InspectionEvent) => void);

/**
 * `inspect` behind the agent's redactor: every inspection event reaches it with its snapshot,
 * its XState event and what its actor's `getSnapshot()` returns redacted, as a checkpoint or a
 * run event is. The inspector protocol carries the machines' context and every event (a tool's
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
          if (property === 'getSnapshot') {
            return () => redactor.value((target as { getSnapshot(): unknown }).getSnapshot());
          }
          const value = Reflect.get(target, property, target);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
      standIns.set(actor, standIn);
    }
    return standIn;
  };
  const redacted = (event: InspectionEvent): InspectionEvent => {
    const actorRef = standInFor(event.actorRef);
    switch (event.type) {
      case '@xstate.snapshot':
        return {
          ...event,
          actorRef,
          snapshot: redactor.value(event.snapshot),
          event: redactor.value(event.event),
        };
      case '@xstate.event':
        return { ...event, actorRef, event: redactor.value(event.event) };
      default:
        return { ...event, actorRef };
    }
  };
  const next = (event: InspectionEvent) => forward(redacted(event));
  if (typeof inspect === 'function') return next;
  return {
    next,
    ...(inspect.error ? { error: (error: unknown) => inspect.error?.(error) } : {}),
    ...(inspect.complete ? { complete: () => inspect.complete?.() } : {}),
  };
}
