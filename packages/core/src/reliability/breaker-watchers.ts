import type { ReliabilityEvents } from './reliability-events';
import type { ReliabilityEventPayloads } from './types';

type BreakerChange = ReliabilityEventPayloads['breaker.change'];

/** One call's registration, until {@link BreakerWatch.stop}. */
export interface BreakerWatch {
  stop(): void;
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

  /** Calls `watcher` with every change of these models' breakers until the watch is stopped. */
  watch(
    models: readonly { readonly endpoint: string }[],
    watcher: (change: BreakerChange) => void,
  ): BreakerWatch {
    const watch = new Watch(this.#byEndpoint, models, watcher);
    for (const { endpoint } of models) {
      let watches = this.#byEndpoint.get(endpoint);
      if (!watches) {
        watches = new Set();
        this.#byEndpoint.set(endpoint, watches);
      }
      // An endpoint listed twice (two models behind one URL) is one entry: a change is reported once.
      watches.add(watch);
    }
    return watch;
  }
}

/**
 * One call's registration: its own object, so two calls may pass the same function. It finds
 * its sets again by endpoint when it stops (they are never removed), rather than keeping a
 * list of them and a closure for every call in flight.
 */
class Watch implements BreakerWatch {
  constructor(
    readonly byEndpoint: ReadonlyMap<string, Set<Watch>>,
    readonly models: readonly { readonly endpoint: string }[],
    readonly watcher: (change: BreakerChange) => void,
  ) {}

  stop(): void {
    for (const { endpoint } of this.models) this.byEndpoint.get(endpoint)?.delete(this);
  }
}
