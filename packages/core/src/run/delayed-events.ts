import type { AnyActor, AnyActorRef, EventObject } from 'xstate';
import type { Clock, IdGenerator } from '../clock/clock';
import type { PendingDelayedEvent } from '../store/types';
import { siteOf } from './run-registry';

/** XState's scheduled event, as its system keeps it (internal shape, checked by tests). */
interface ScheduledEvent {
  source: AnyActorRef;
  target: AnyActorRef;
  event: EventObject;
  delay: number;
  id: string;
}

interface SchedulingSystem {
  /** Delivers an event from one actor of the system to another, as a fired timer does. */
  _relay(source: AnyActorRef, target: AnyActorRef, event: EventObject): void;
  scheduler: {
    schedule(
      source: AnyActorRef,
      target: AnyActorRef,
      event: EventObject,
      delay: number,
      id?: string,
    ): void;
  };
  _snapshot: { _scheduledEvents: Record<string, ScheduledEvent> };
}

/**
 * The delayed events of one run's actor system (`after` timers, delayed sends), with their
 * due time on the agent's clock. XState keeps them with live actor references and its own
 * `Date.now()`, and does not re-arm them when a snapshot is restored; this records them as
 * paths and due times for the checkpoint, and schedules them again on resume with the time
 * that was left.
 */
export class DelayedEvents {
  /** Made with the first delayed event: most runs never schedule one. */
  #due: WeakMap<object, number> | undefined;
  readonly #system: SchedulingSystem;

  constructor(
    private readonly root: AnyActor,
    private readonly clock: Clock,
    generateId: IdGenerator,
  ) {
    this.#system = root.system as unknown as SchedulingSystem;
    const { scheduler } = this.#system;
    const schedule = scheduler.schedule;
    // Ids come from the injected generator (XState uses Math.random) and each event's due
    // time is noted on the injected clock the moment it is scheduled.
    scheduler.schedule = (source, target, event, delay, id = generateId()) => {
      schedule(source, target, event, delay, id);
      const scheduled = this.#system._snapshot._scheduledEvents[`${source.sessionId}.${id}`];
      if (!scheduled) return;
      this.#due ??= new WeakMap();
      this.#due.set(scheduled, clock.now() + delay);
    };
  }

  /** Delayed events pending now, as stored in a checkpoint. */
  pending(): PendingDelayedEvent[] {
    const pending: PendingDelayedEvent[] = [];
    for (const scheduled of Object.values(this.#system._snapshot._scheduledEvents)) {
      pending.push({
        source: siteOf(scheduled.source),
        target: siteOf(scheduled.target),
        id: scheduled.id,
        event: JSON.parse(JSON.stringify(scheduled.event)),
        dueAt: this.#due?.get(scheduled) ?? this.clock.now() + scheduled.delay,
      });
    }
    return pending;
  }

  /** Milliseconds until the next delayed event is due, if any is pending. */
  nextDueIn(): number | undefined {
    let next: number | undefined;
    for (const scheduled of Object.values(this.#system._snapshot._scheduledEvents)) {
      const dueAt = this.#due?.get(scheduled) ?? this.clock.now() + scheduled.delay;
      if (next === undefined || dueAt < next) next = dueAt;
    }
    return next === undefined ? undefined : next - this.clock.now();
  }

  /**
   * Schedules stored delayed events again, each with the time it had left. An overdue one is
   * delivered at once, in due order, not armed at 0 ms: a run evicted while it waited is
   * restored by the timer that woke it, after that timer fired, and on a manual clock a 0 ms
   * timer armed then would wait for the next `advance()`, which a test awaiting the run's
   * result never makes. Call after the restored actor has started. Events whose actors are no
   * longer in the tree (their state was left) are dropped.
   */
  rearm(events: readonly PendingDelayedEvent[]): void {
    const now = this.clock.now();
    const overdue: {
      source: AnyActorRef;
      target: AnyActorRef;
      event: EventObject;
      dueAt: number;
    }[] = [];
    for (const { source, target, event, id, dueAt } of events) {
      const sourceRef = this.#find(source);
      const targetRef = this.#find(target);
      if (!sourceRef || !targetRef) continue;
      if (dueAt <= now) {
        overdue.push({ source: sourceRef, target: targetRef, event: event as EventObject, dueAt });
        continue;
      }
      this.#system.scheduler.schedule(sourceRef, targetRef, event as EventObject, dueAt - now, id);
    }
    overdue.sort((a, b) => a.dueAt - b.dueAt);
    for (const { source, target, event } of overdue) this.#system._relay(source, target, event);
  }

  #find(path: string): AnyActorRef | undefined {
    let current: AnyActorRef | undefined = this.root;
    for (const id of path === '' ? [] : path.split('/')) {
      const snapshot: { children?: Record<string, AnyActorRef> } | undefined =
        current?.getSnapshot();
      current = snapshot?.children?.[id];
    }
    return current;
  }
}
