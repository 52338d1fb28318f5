import type { Clock } from '../clock/clock';
import type { CircuitBreakerOptions, CircuitState } from './types';
import { validateNumberOption } from './validate-option';

/**
 * Circuit breaker options with defaults applied, checked.
 *
 * @throws DefinitionError `definition.invalid_option` for a threshold under 1 or a negative cooldown.
 */
export function resolveCircuitBreakerOptions({
  failureThreshold = 5,
  cooldownMs = 30_000,
}: CircuitBreakerOptions = {}): Required<CircuitBreakerOptions> {
  validateNumberOption('createReliabilityPolicy', 'breaker.failureThreshold', failureThreshold, {
    min: 1,
    integer: true,
    allowInfinity: true,
    expected: 'a whole number of consecutive failures, at least 1',
  });
  validateNumberOption('createReliabilityPolicy', 'breaker.cooldownMs', cooldownMs, {
    min: 0,
    expected: 'a number of milliseconds, 0 or more',
  });
  return { failureThreshold, cooldownMs };
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
  | { admitted: false; reason: string };

/**
 * A circuit breaker for one model endpoint: closed, open after `failureThreshold` consecutive
 * retryable failures, half-open after `cooldownMs` with a single probe call whose outcome
 * closes or reopens it.
 *
 * Consecutive failures rather than a failure ratio over a window: a process sends an LLM
 * endpoint a few calls a second at most, so a windowed ratio needs a minimum-volume setting
 * that is hard to tune and noisy at low volume, while an outage shows plainly as a run of
 * failures. Partial failure is left to retries and the retry budget.
 *
 * No timers: the open → half-open move happens when a call arrives after the cooldown, so an
 * idle breaker holds nothing that could keep a process alive.
 */
export class CircuitBreaker {
  readonly #failureThreshold: number;
  readonly #cooldownMs: number;
  readonly #clock: Clock;
  readonly #onChange: ((change: CircuitChange) => void) | undefined;
  #state: CircuitState = 'closed';
  /** Bumped on every transition, so outcomes of calls admitted in an older state are ignored. */
  #generation = 0;
  #consecutiveFailures = 0;
  #openedAt = 0;
  #openReason = '';
  #probeInFlight = false;

  constructor({ clock, onChange, ...options }: CircuitBreakerInit) {
    const { failureThreshold, cooldownMs } = resolveCircuitBreakerOptions(options);
    this.#failureThreshold = failureThreshold;
    this.#cooldownMs = cooldownMs;
    this.#clock = clock;
    this.#onChange = onChange;
  }

  /** The current state; an open breaker whose cooldown passed turns half-open on the next call. */
  get state(): CircuitState {
    return this.#state;
  }

  /** Asks to make one attempt now. */
  tryAcquire(): BreakerAdmission {
    if (this.#state === 'open') {
      const elapsed = this.#clock.now() - this.#openedAt;
      if (elapsed < this.#cooldownMs) {
        return {
          admitted: false,
          reason: `${this.#openReason}; a probe call is let through in ${this.#cooldownMs - elapsed} ms`,
        };
      }
      this.#transition('half-open', `cooldown of ${this.#cooldownMs} ms elapsed`);
    }
    if (this.#state === 'half-open') {
      if (this.#probeInFlight) {
        return {
          admitted: false,
          reason: 'half-open: a probe call is in flight, others fail fast until it ends',
        };
      }
      this.#probeInFlight = true;
      return { admitted: true, permit: this.#permit(true) };
    }
    return { admitted: true, permit: this.#permit(false) };
  }

  #permit(probe: boolean): BreakerPermit {
    const generation = this.#generation;
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      if (generation !== this.#generation) return;
      if (probe) this.#probeInFlight = false;
      outcome();
    };
    return {
      probe,
      success: () =>
        settle(() => {
          this.#consecutiveFailures = 0;
          if (probe) this.#transition('closed', 'probe call succeeded');
        }),
      failure: (reason) =>
        settle(() => {
          if (probe) {
            this.#open(`probe call failed (${reason})`);
            return;
          }
          this.#consecutiveFailures += 1;
          if (this.#consecutiveFailures >= this.#failureThreshold) {
            this.#open(
              `${this.#consecutiveFailures} consecutive retryable failures (last: ${reason})`,
            );
          }
        }),
      release: () => settle(() => {}),
    };
  }

  #open(reason: string): void {
    this.#openedAt = this.#clock.now();
    this.#openReason = `open: ${reason}`;
    this.#transition('open', reason);
  }

  #transition(to: CircuitState, reason: string): void {
    const from = this.#state;
    this.#state = to;
    this.#generation += 1;
    this.#consecutiveFailures = 0;
    this.#probeInFlight = false;
    this.#onChange?.({ from, to, reason });
  }
}
