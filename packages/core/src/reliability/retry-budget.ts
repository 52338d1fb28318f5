import type { Clock } from '../clock/clock';
import { steadyReadings } from '../clock/steady-readings';
import { checkOptionNames } from '../errors/option-names';
import { SlidingWindow } from './sliding-window';
import type { RetryBudgetOptions } from './types';
import { rejectRemovedOptions, validateNumberOption } from './validate-option';

const owner = 'createReliabilityPolicy';

/**
 * Retry budget options with defaults applied, checked. `defaultMinRetries` is the minimum
 * when the options give none (see {@link defaultMinRetriesFor}).
 *
 * @throws DefinitionError `definition.invalid_option` for a ratio outside [0, 1], a negative
 * or fractional minimum, a window that is not a positive number of milliseconds, or an option
 * name of the former token bucket.
 */
export function resolveRetryBudgetOptions(
  options: RetryBudgetOptions = {},
  defaultMinRetries = 3,
): Required<RetryBudgetOptions> {
  const replaced =
    'The budget allows retries as a share of active calls: use ratio (default 0.2), minRetries (default 3) and windowMs (default 10000).';
  rejectRemovedOptions(owner, 'retryBudget', options, {
    maxTokens: replaced,
    tokenRatio: replaced,
  });
  checkOptionNames(owner, options, ['ratio', 'minRetries', 'windowMs'], 'retryBudget.');
  const { ratio = 0.2, minRetries = defaultMinRetries, windowMs = 10_000 } = options;
  validateNumberOption(owner, 'retryBudget.ratio', ratio, {
    min: 0,
    max: 1,
    expected: 'a share of active calls in [0, 1], e.g. 0.2 (retries up to 20% of calls)',
  });
  validateNumberOption(owner, 'retryBudget.minRetries', minRetries, {
    min: 0,
    max: Number.MAX_SAFE_INTEGER,
    integer: true,
    expected: 'a whole number of retries, 0 or more, e.g. 3',
  });
  validateNumberOption(owner, 'retryBudget.windowMs', windowMs, {
    min: 0,
    exclusiveMin: true,
    expected: 'a positive number of milliseconds, e.g. 10000',
  });
  return { ratio, minRetries, windowMs };
}

/**
 * The minimum retries a budget allows by default for a policy making `maxAttempts` attempts:
 * 3, or enough for one call's retries when that is more (up to 10), so a lone caller can make
 * every attempt it was given.
 */
export function defaultMinRetriesFor(maxAttempts: number): number {
  return Math.min(10, Math.max(3, maxAttempts - 1));
}

/** One logical call's use of the budget, from its first attempt on the endpoint to its end. */
export interface RetryBudgetCall {
  /** Takes one retry from the budget; false when the budget has none left. */
  tryRetry(): boolean;
  /** The call is over: it and its last retry stop being in flight. Idempotent. */
  end(): void;
}

/** What the budget holds now, for events and messages. */
export interface RetryBudgetUsage {
  /** Calls in flight or ended within the window. */
  calls: number;
  /** Retries in flight or ended within the window. */
  retries: number;
  /** The most retries the window may hold at this traffic. */
  limit: number;
}

/** Options of {@link RetryBudget}. */
export interface RetryBudgetInit extends RetryBudgetOptions {
  clock: Clock;
}

/**
 * The retry budget of one endpoint, shared by every run, as Envoy's retry budget: retries may
 * be at most `ratio` of active calls, and `minRetries` are always allowed. Active means in
 * flight or ended within the last `windowMs`, for calls and retries alike: a retry comes
 * after a backoff, when the calls that failed with it may have ended, and counting those for
 * a window keeps the budget tied to the burst instead of to whoever is left. In an outage,
 * retries stop at `ratio` of the calls; under transient faults below `ratio`, every retry is
 * granted, at any concurrency.
 */
export class RetryBudget {
  readonly #options: Required<RetryBudgetOptions>;
  /** The clock's time, never going back: a step back must not keep old calls in the window. */
  readonly #now: () => number;
  readonly #ended: SlidingWindow<'call' | 'retry'>;
  #callsInFlight = 0;
  #retriesInFlight = 0;

  constructor({ clock, ...options }: RetryBudgetInit) {
    this.#options = resolveRetryBudgetOptions(options);
    this.#now = steadyReadings(clock);
    this.#ended = new SlidingWindow({ windowMs: this.#options.windowMs, keys: ['call', 'retry'] });
  }

  /** Calls, retries and the limit now. */
  usage(): RetryBudgetUsage {
    const now = this.#now();
    const calls = this.#callsInFlight + this.#ended.sum('call', now);
    const retries = this.#retriesInFlight + this.#ended.sum('retry', now);
    const { ratio, minRetries } = this.#options;
    // The epsilon keeps 0.2 × 100 at 20 despite binary fractions.
    const limit = Math.max(minRetries, Math.floor(ratio * calls + 1e-9));
    return { calls, retries, limit };
  }

  /** Retries the budget would grant now. */
  retriesAllowed(): number {
    const { retries, limit } = this.usage();
    return Math.max(0, limit - retries);
  }

  /** Counts a call as active until its `end()`. */
  beginCall(): RetryBudgetCall {
    this.#callsInFlight += 1;
    return new BudgetCall(this);
  }

  /** A call's retry starts being in flight, if the budget allows one now (see `RetryBudgetCall`). */
  startRetry(): boolean {
    const { retries, limit } = this.usage();
    if (retries + 1 > limit) return false;
    this.#retriesInFlight += 1;
    return true;
  }

  /** A call's retry is over; it still counts for the window. */
  endRetry(): void {
    this.#retriesInFlight -= 1;
    this.#ended.add('retry', this.#now());
  }

  /** A call is over; it still counts for the window. */
  endCall(): void {
    this.#callsInFlight -= 1;
    this.#ended.add('call', this.#now());
  }
}

/**
 * One call's use of a budget: a small object rather than closures, since a call holds it for
 * as long as it is in flight.
 */
class BudgetCall implements RetryBudgetCall {
  readonly #budget: RetryBudget;
  #retryInFlight = false;
  #ended = false;

  constructor(budget: RetryBudget) {
    this.#budget = budget;
  }

  tryRetry(): boolean {
    if (this.#ended) return false;
    // The previous retry's attempt is over; it still counts for the window.
    this.#endRetry();
    if (!this.#budget.startRetry()) return false;
    this.#retryInFlight = true;
    return true;
  }

  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#endRetry();
    this.#budget.endCall();
  }

  #endRetry(): void {
    if (!this.#retryInFlight) return;
    this.#retryInFlight = false;
    this.#budget.endRetry();
  }
}
