import type { Clock } from '../clock/clock';
import { steadyReadings } from '../clock/steady-readings';
import { checkOptionNames } from '../errors/option-names';
import { SlidingWindow } from './sliding-window';
import type { CircuitBreakerOptions, CircuitState } from './types';
import { rejectRemovedOptions, validateNumberOption } from './validate-option';

const owner = 'createReliabilityPolicy';

/**
 * Circuit breaker options with defaults applied, checked.
 *
 * @throws DefinitionError `definition.invalid_option` for a threshold outside (0, 1], a
 * minimum volume under 1, a window that is not a positive number of milliseconds, a negative
 * or infinite cooldown, or an option name of the former consecutive-failure breaker.
 */
export function resolveCircuitBreakerOptions(
  options: CircuitBreakerOptions = {},
): Required<CircuitBreakerOptions> {
  rejectRemovedOptions(owner, 'breaker', options, {
    failureThreshold:
      'The breaker judges a failure rate over a window: use failureRateThreshold (default 0.5) and minimumRequests (default 20).',
  });
  checkOptionNames(
    owner,
    options,
    ['failureRateThreshold', 'minimumRequests', 'windowMs', 'cooldownMs'],
    'breaker.',
  );
  const {
    failureRateThreshold = 0.5,
    minimumRequests = 20,
    windowMs = 10_000,
    cooldownMs = 30_000,
  } = options;
  validateNumberOption(owner, 'breaker.failureRateThreshold', failureRateThreshold, {
    min: 0,
    exclusiveMin: true,
    max: 1,
    expected: 'a share of failed requests in (0, 1], e.g. 0.5',
  });
  validateNumberOption(owner, 'breaker.minimumRequests', minimumRequests, {
    min: 1,
    max: Number.MAX_SAFE_INTEGER,
    integer: true,
    allowInfinity: true,
    expected: 'a whole number of requests, at least 1, or Infinity for a breaker that never opens',
  });
  validateNumberOption(owner, 'breaker.windowMs', windowMs, {
    min: 0,
    exclusiveMin: true,
    expected: 'a positive number of milliseconds, e.g. 10000',
  });
  validateNumberOption(owner, 'breaker.cooldownMs', cooldownMs, {
    min: 0,
    expected: 'a number of milliseconds, 0 or more',
  });
  return { failureRateThreshold, minimumRequests, windowMs, cooldownMs };
}

/** A breaker state change, with the reason a reader of the run log needs. */
export interface CircuitChange {
  from: CircuitState;
  to: CircuitState;
  reason: string;
}

/** Options of {@link CircuitBreaker}. */
export interface CircuitBreakerInit extends CircuitBreakerOptions {
  clock: Clock;
  onChange?: (change: CircuitChange) => void;
}

/**
 * Leave to make one attempt. Report its outcome exactly once: `success`, `failure` (a
 * retryable failure, evidence the endpoint is unwell) or `release` (an outcome that says
 * nothing about the endpoint: a 400, an abort).
 */
export interface BreakerPermit {
  /** True for the single call let through while half-open. */
  readonly probe: boolean;
  success(): void;
  failure(reason: string): void;
  release(): void;
}

/** The breaker's answer to a call: a permit, or why it fails fast. */
export type BreakerAdmission =
  | { admitted: true; permit: BreakerPermit }
  | { admitted: false; reason: string; probeInMs: number | undefined };

const percent = (share: number) => `${Math.round(share * 100)}%`;

/**
 * A circuit breaker for one model endpoint: closed; open once at least `minimumRequests`
 * requests have ended within `windowMs` and the failed ones make up `failureRateThreshold` of
 * them and of those still in flight — or once `minimumRequests` calls failed in a row (their
 * first attempts: retries are not counted) and make up that share of themselves and those in
 * flight; half-open after `cooldownMs`, with a single
 * probe call whose outcome closes or reopens it.
 *
 * The rate counts requests in flight as not failed because failures come back first: a 503
 * or a reset takes milliseconds, an answer seconds. Judged on ended requests alone, the
 * first twenty results of 200 concurrent calls with 10% faults could all be failures; judged
 * on every request sent, they are 10%. An outage still shows: every request fails, and once
 * the failures reach the threshold share of those sent, the breaker opens.
 *
 * No timers: buckets of the window are recycled and the open → half-open move happens when a
 * call arrives, so an idle breaker holds nothing that could keep a process alive.
 */
export class CircuitBreaker {
  readonly #options: Required<CircuitBreakerOptions>;
  /** The clock's time, never going back: spans measured on it end on time (see steadyReadings). */
  readonly #now: () => number;
  readonly #onChange: ((change: CircuitChange) => void) | undefined;
  readonly #window: SlidingWindow<'success' | 'failure'>;
  #state: CircuitState = 'closed';
  /** Bumped on every transition, so outcomes of calls admitted in an older state are ignored. */
  #generation = 0;
  /** Requests admitted while closed in this generation and not yet settled. */
  #inFlight = 0;
  /**
   * Calls whose first attempt failed since the last success in this generation: an outage's
   * run of them. Retries are left out: at the end of a burst the retries of a few calls the
   * server keeps refusing are all that is left in flight, and counted, twenty of them in a
   * row opened the breaker on an endpoint that answered 90% of the burst.
   */
  #failedInARow = 0;
  #openedAt = 0;
  #openReason = '';
  #probeInFlight = false;

  constructor({ clock, onChange, ...options }: CircuitBreakerInit) {
    this.#options = resolveCircuitBreakerOptions(options);
    this.#now = steadyReadings(clock);
    this.#onChange = onChange;
    this.#window = new SlidingWindow({
      windowMs: this.#options.windowMs,
      keys: ['success', 'failure'],
    });
  }

  /** The current state; an open breaker whose cooldown passed turns half-open on the next call. */
  get state(): CircuitState {
    return this.#state;
  }

  /**
   * Milliseconds until the open breaker lets a probe call through: what a caller failed fast
   * may wait before calling again. Undefined when it is not open, or its cooldown has passed.
   */
  probeInMs(): number | undefined {
    if (this.#state !== 'open') return undefined;
    const left = this.#options.cooldownMs - (this.#now() - this.#openedAt);
    return left > 0 ? left : undefined;
  }

  /** Why a call would fail fast now, without changing the state; undefined when it would not. */
  blockedReason(): string | undefined {
    const left = this.probeInMs();
    if (left !== undefined) return `${this.#openReason}; a probe call is let through in ${left} ms`;
    if (this.#state === 'half-open' && this.#probeInFlight) {
      return 'half-open: a probe call is in flight, others fail fast until it ends';
    }
    return undefined;
  }

  /** Asks to make one attempt now; `retry` when an earlier attempt of the same call failed. */
  tryAcquire(retry = false): BreakerAdmission {
    const blocked = this.blockedReason();
    if (blocked) return { admitted: false, reason: blocked, probeInMs: this.probeInMs() };
    if (this.#state === 'open') {
      this.#transition('half-open', `cooldown of ${this.#options.cooldownMs} ms elapsed`);
    }
    if (this.#state === 'half-open') {
      this.#probeInFlight = true;
      return { admitted: true, permit: this.#permit(true) };
    }
    this.#inFlight += 1;
    return { admitted: true, permit: this.#permit(false, retry) };
  }

  #permit(probe: boolean, retry = false): BreakerPermit {
    return new Permit(this, this.#generation, probe, retry);
  }

  /**
   * What a permit reports, once: the outcome of an attempt admitted in `generation`. Ignored
   * when the breaker moved on since (the attempt was admitted in an older state).
   */
  settle(
    generation: number,
    probe: boolean,
    outcome: PermitOutcome,
    reason = '',
    retry = false,
  ): void {
    if (generation !== this.#generation) return;
    if (probe) this.#probeInFlight = false;
    else this.#inFlight -= 1;
    if (outcome === 'success') {
      if (probe) this.#transition('closed', 'probe call succeeded');
      else {
        this.#failedInARow = 0;
        this.#window.add('success', this.#now());
      }
    } else if (outcome === 'failure') {
      if (probe) {
        this.#open(`probe call failed (${reason})`);
        return;
      }
      if (!retry) this.#failedInARow += 1;
      this.#window.add('failure', this.#now());
      this.#judge(reason);
    }
  }

  /**
   * Opens the breaker when too many requests failed: in the window, or since the last success.
   * The second is an outage that follows busy traffic: the window still holds the successes
   * from before it (420 of them against 300 failures, 41%), and would keep the breaker closed
   * while every request fails. Both judge the same rate with the same minimum volume, and both
   * count requests in flight as not failed, so a burst's fast failures open neither.
   */
  #judge(lastReason: string): void {
    const { failureRateThreshold, minimumRequests, windowMs } = this.#options;
    const inFlight = this.#inFlight;
    const now = this.#now();
    const failed = this.#window.sum('failure', now);
    const succeeded = this.#window.sum('success', now);
    const rate = failed / (failed + succeeded + inFlight);
    if (failed + succeeded >= minimumRequests && rate >= failureRateThreshold) {
      this.#open(
        `${percent(rate)} of requests failed in the last ${windowMs} ms ` +
          `(${failed} failed, ${succeeded} succeeded, ${inFlight} in flight; ` +
          `threshold ${percent(failureRateThreshold)}); last: ${lastReason}`,
      );
      return;
    }
    const inARow = this.#failedInARow;
    if (inARow >= minimumRequests && inARow / (inARow + inFlight) >= failureRateThreshold) {
      this.#open(
        `${inARow} calls failed in a row, none succeeded since ` +
          `(${inFlight} in flight; threshold ${percent(failureRateThreshold)} of ${minimumRequests} or more); ` +
          `last: ${lastReason}`,
      );
    }
  }

  #open(reason: string): void {
    this.#openedAt = this.#now();
    this.#openReason = `open after ${reason}`;
    this.#transition('open', reason);
  }

  #transition(to: CircuitState, reason: string): void {
    const from = this.#state;
    this.#state = to;
    this.#generation += 1;
    this.#inFlight = 0;
    this.#failedInARow = 0;
    this.#probeInFlight = false;
    // A closed breaker starts from a clean window, as Hystrix's does: the outage is over.
    this.#window.clear();
    this.#onChange?.({ from, to, reason });
  }
}

/** How an admitted attempt ended, for the breaker. */
type PermitOutcome = 'success' | 'failure' | 'release';

/**
 * A breaker's permit: a small object per attempt rather than a closure per outcome, since a
 * call holds it for as long as its attempt is in flight.
 */
class Permit implements BreakerPermit {
  readonly #breaker: CircuitBreaker;
  readonly #generation: number;
  #settled = false;

  constructor(
    breaker: CircuitBreaker,
    generation: number,
    readonly probe: boolean,
    readonly retry: boolean,
  ) {
    this.#breaker = breaker;
    this.#generation = generation;
  }

  success(): void {
    this.#settle('success');
  }

  failure(reason: string): void {
    this.#settle('failure', reason);
  }

  release(): void {
    this.#settle('release');
  }

  #settle(outcome: PermitOutcome, reason?: string): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#breaker.settle(this.#generation, this.probe, outcome, reason, this.retry);
  }
}
