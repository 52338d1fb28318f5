import type { ReliabilityEvents } from './reliability-events';
import type { ReliabilityEventPayloads } from './types';

type BreakerChange = ReliabilityEventPayloads['breaker.change'];

/** One call's registration; its own object, so two calls may pass the same function. */
interface Watch {
  watcher: (change: BreakerChange) => void;
}

/**
 * The calls under way that want to hear of breaker changes on their endpoints (a run reports
 * them on its own event stream). One listener on the policy's events serves them all, by
 * endpoint: registering a call is a set insertion, where a listener per call cost each call a
 * scan of every other call's listener when it ended (1,000 concurrent calls: a million steps).
 */
export class BreakerWatchers {
  readonly #byEndpoint = new Map<string, Set<Watch>>();

  constructor(events: ReliabilityEvents) {
    events.on('breaker.change', ({ type: _, at: __, ...change }) => {
      const watches = this.#byEndpoint.get(change.endpoint);
      if (!watches) return;
      for (const watch of [...watches]) watch.watcher(change);
    });
  }

  /** Calls `watcher` with every change of these endpoints' breakers until the returned function is called. */
  watch(endpoints: readonly string[], watcher: (change: BreakerChange) => void): () => void {
    const watch: Watch = { watcher };
    const joined: Set<Watch>[] = [];
    for (const endpoint of endpoints) {
      let watches = this.#byEndpoint.get(endpoint);
      if (!watches) {
        watches = new Set();
        this.#byEndpoint.set(endpoint, watches);
      }
      // An endpoint listed twice (two models behind one URL) reports a change once.
      if (watches.has(watch)) continue;
      watches.add(watch);
      joined.push(watches);
    }
    return () => {
      for (const watches of joined) watches.delete(watch);
    };
  }
}
