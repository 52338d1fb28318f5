import type { RunEvents } from '../events/run-events';
import { leafStatePaths } from './state-paths';

/** Emits `state.enter` for each leaf state a run's snapshot newly shows. */
export class StateEnterEvents {
  #previousLeaves = new Set<string>();

  constructor(
    private readonly events: RunEvents,
    private readonly threadId: string,
  ) {}

  /** Compares `value` (a snapshot's state value) with the last one seen. */
  observe(value: unknown): void {
    if (!this.events.isObserved('state.enter') || value === undefined) return;
    const leaves = new Set(leafStatePaths(value as never));
    for (const leaf of leaves) {
      if (!this.#previousLeaves.has(leaf)) {
        this.events.emit('state.enter', this.threadId, { state: leaf });
      }
    }
    this.#previousLeaves = leaves;
  }
}
