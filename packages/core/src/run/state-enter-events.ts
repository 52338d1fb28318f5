import type { RunEvents } from '../events/run-events';
import { leafStatePaths } from './state-paths';

const noLeaves: ReadonlySet<string> = new Set();

/**
 * Emits `state.exit` for each leaf state a run's snapshot no longer shows, then `state.enter`
 * for each it newly shows.
 */
export class StateEnterEvents {
  /** Made once the events are observed: until then nothing compares with it. */
  #previousLeaves: ReadonlySet<string> = noLeaves;

  constructor(
    private readonly events: RunEvents,
    private readonly threadId: string,
  ) {}

  /** Compares `value` (a snapshot's state value) with the last one seen. */
  observe(value: unknown): void {
    const { events } = this;
    if (value === undefined) return;
    if (!events.isObserved('state.enter') && !events.isObserved('state.exit')) return;
    const leaves = new Set(leafStatePaths(value as never));
    for (const leaf of this.#previousLeaves) {
      if (!leaves.has(leaf)) events.emit('state.exit', this.threadId, { state: leaf });
    }
    for (const leaf of leaves) {
      if (!this.#previousLeaves.has(leaf)) {
        this.events.emit('state.enter', this.threadId, { state: leaf });
      }
    }
    this.#previousLeaves = leaves;
  }
}
