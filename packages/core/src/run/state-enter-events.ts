import type { AnyActor, AnyActorRef, AnyStateMachine, InspectionEvent, Observer } from 'xstate';
import type { RunEvents } from '../events/run-events';
import { initialLeafPaths, leafStatePaths } from './state-paths';

const noLeaves: ReadonlySet<string> = new Set();

/** An XState inspection observer, as `createActor({ inspect })` takes one. */
export type Inspect = Observer<InspectionEvent> | ((event: InspectionEvent) => void);

/**
 * Emits `state.exit` for each leaf state a run's machine no longer shows, then `state.enter`
 * for each it newly shows — microstep by microstep, so a state its eventless (`always`)
 * transitions or raised events pass through within one macrostep is entered and exited too,
 * though no snapshot of the actor ever shows it. The microsteps come from XState's inspection
 * of the run's actor system, watched only while someone listens for these events: a run
 * nobody watches pays nothing per step. A listener added while a run works hears its
 * transient states from its next macrostep on.
 */
export class StateEnterEvents {
  /** Made once the events are observed: until then nothing compares with it. */
  #previousLeaves: ReadonlySet<string> = noLeaves;
  /** The root machine's state values, microstep by microstep, since the last `observe`. */
  #passed: unknown[] | undefined;
  /**
   * A new run's machine, until its first macrostep is observed: XState reports the microsteps
   * after the first, and the first one's states (a transient initial state) come from it.
   */
  #fresh: AnyStateMachine | undefined;
  #system: AnyActor['system'] | undefined;
  #watching: { unsubscribe(): void } | 'from-creation' | undefined;
  #stopped = false;

  constructor(
    private readonly events: RunEvents,
    private readonly threadId: string,
    fresh: AnyStateMachine | undefined,
  ) {
    this.#fresh = fresh;
  }

  /**
   * The inspection observer to create the run's actor with, when someone listens already: a
   * new actor takes its first macrostep as it is created, before any later observer could see
   * it. `inspect` is the agent's own, which this observer passes every event on to.
   */
  inspectFromCreation(inspect: Inspect | undefined): Inspect | undefined {
    if (!this.#listenedTo()) return inspect;
    this.#watching = 'from-creation';
    if (!inspect) return this.#onInspection;
    const forward =
      typeof inspect === 'function' ? inspect : (e: InspectionEvent) => inspect.next?.(e);
    return (event) => {
      this.#onInspection(event);
      forward(event);
    };
  }

  /** The run's actor system, to watch from the first `observe` that finds a listener. */
  attach(system: AnyActor['system']): void {
    this.#system = system;
  }

  /** Stops watching the microsteps: the run let go of its actor. */
  stop(): void {
    this.#stopped = true;
    this.#passed = undefined;
    if (typeof this.#watching === 'object') this.#watching.unsubscribe();
    this.#watching = undefined;
  }

  /** Compares `value` (a snapshot's state value), and the microsteps before it, with the last one seen. */
  observe(value: unknown): void {
    const passed = this.#passed;
    const fresh = this.#fresh;
    this.#passed = undefined;
    this.#fresh = undefined;
    if (value === undefined) return;
    if (!this.#listenedTo()) return;
    if (this.#watching === undefined && this.#system && !this.#stopped) {
      this.#watching = this.#system.inspect(this.#onInspection);
    }
    if (passed) {
      if (fresh) this.#enter(initialLeafPaths(fresh.root));
      for (const step of passed) this.#enter(leafStatePaths(step as never));
    }
    this.#enter(leafStatePaths(value as never));
  }

  #listenedTo(): boolean {
    return this.events.isObserved('state.enter') || this.events.isObserved('state.exit');
  }

  readonly #onInspection = (event: InspectionEvent): void => {
    if (this.#stopped || event.type !== '@xstate.microstep') return;
    // The run's own machine: a child machine's states are its own.
    if ((event.actorRef as AnyActorRef).sessionId !== event.rootId) return;
    this.#passed ??= [];
    this.#passed.push((event.snapshot as { value?: unknown }).value);
  };

  /** Emits the exits and enters that take the run from the last leaves seen to `now`. */
  #enter(now: readonly string[]): void {
    const { events, threadId } = this;
    const leaves = new Set(now);
    for (const leaf of this.#previousLeaves) {
      if (!leaves.has(leaf)) events.emit('state.exit', threadId, { state: leaf });
    }
    for (const leaf of leaves) {
      if (!this.#previousLeaves.has(leaf)) events.emit('state.enter', threadId, { state: leaf });
    }
    this.#previousLeaves = leaves;
  }
}
