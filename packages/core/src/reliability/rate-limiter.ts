import type { Clock } from '../clock/clock';
import { checkOptionNames } from '../errors/option-names';
import { ModelCallError } from '../model/model-call-error';
import { TokenBucket } from './token-bucket';
import type { RateLimitOptions } from './types';
import { maxTimerMs, validateNumberOption } from './validate-option';

const minuteMs = 60_000;

/** Options of {@link RateLimiter}. */
export interface RateLimiterInit extends RateLimitOptions {
  endpoint: string;
  clock: Clock;
}

/** Rate limit options with the default wait applied. */
export type ResolvedRateLimitOptions = RateLimitOptions & { maxWaitMs: number };

/**
 * Rate limit options with defaults applied, checked.
 *
 * @throws DefinitionError `definition.invalid_option` for a limit that is not positive or a
 * negative wait.
 */
export function resolveRateLimitOptions(options: RateLimitOptions = {}): ResolvedRateLimitOptions {
  checkOptionNames(
    'createReliabilityPolicy',
    options,
    ['requestsPerMinute', 'tokensPerMinute', 'maxWaitMs'],
    'rateLimit.',
  );
  const { requestsPerMinute, tokensPerMinute, maxWaitMs = 30_000 } = options;
  const limits = [
    ['requestsPerMinute', requestsPerMinute, 'requests'],
    ['tokensPerMinute', tokensPerMinute, 'tokens'],
  ] as const;
  for (const [name, value, unit] of limits) {
    if (value === undefined) continue;
    validateNumberOption('createReliabilityPolicy', `rateLimit.${name}`, value, {
      min: 0,
      exclusiveMin: true,
      max: Number.MAX_SAFE_INTEGER,
      expected: `a positive number of ${unit} per minute, or leave it out for no limit`,
    });
  }
  validateNumberOption('createReliabilityPolicy', 'rateLimit.maxWaitMs', maxWaitMs, {
    min: 0,
    allowInfinity: true,
    expected: 'a number of milliseconds, 0 or more',
  });
  return { requestsPerMinute, tokensPerMinute, maxWaitMs };
}

/** Capacity reserved for one attempt. */
export interface RateLimitReservation {
  /** How long the attempt must wait before it is sent; 0 when it may go now. */
  readonly delayMs: number;
  /** Which limit made it wait, for events. */
  readonly reason: string;
  /** Returns the capacity: the attempt was never sent. */
  cancel(): void;
  /** Corrects the token charge with what the provider reported using. */
  settle(actualTokens: number): void;
}

/**
 * Requests per minute and tokens per minute for one endpoint, shared by every run of the
 * policy, so that many runs together stay under the provider's limits instead of each earning
 * 429s. Tokens are charged with the estimate before the call and corrected afterwards with the
 * reported usage: an underestimate makes the next calls wait, an overestimate is given back.
 */
export class RateLimiter {
  readonly #endpoint: string;
  readonly #clock: Clock;
  readonly #maxWaitMs: number;
  readonly #requests: TokenBucket | undefined;
  readonly #tokens: TokenBucket | undefined;
  readonly #requestsPerMinute: number | undefined;
  readonly #tokensPerMinute: number | undefined;

  constructor({ endpoint, clock, ...options }: RateLimiterInit) {
    const { requestsPerMinute, tokensPerMinute, maxWaitMs } = resolveRateLimitOptions(options);
    const now = clock.now();
    this.#endpoint = endpoint;
    this.#clock = clock;
    this.#maxWaitMs = maxWaitMs;
    this.#requestsPerMinute = requestsPerMinute;
    this.#tokensPerMinute = tokensPerMinute;
    this.#requests =
      requestsPerMinute === undefined
        ? undefined
        : new TokenBucket(requestsPerMinute, minuteMs, now);
    this.#tokens =
      tokensPerMinute === undefined ? undefined : new TokenBucket(tokensPerMinute, minuteMs, now);
  }

  /**
   * Reserves one request and `estimatedTokens` tokens.
   *
   * @throws ModelCallError `rate_limiter_timeout` when the capacity would come later than
   * `maxWaitMs`; nothing is reserved then.
   */
  reserve(estimatedTokens: number): RateLimitReservation {
    const now = this.#clock.now();
    const requestDelay = this.#requests?.delayFor(1, now) ?? 0;
    const tokenDelay = this.#tokens?.delayFor(estimatedTokens, now) ?? 0;
    const delayMs = Math.max(requestDelay, tokenDelay);
    const reason =
      delayMs === 0
        ? ''
        : requestDelay >= tokenDelay
          ? `${this.#requestsPerMinute} requests per minute reached`
          : `${this.#tokensPerMinute} tokens per minute reached (this call needs ${estimatedTokens})`;
    if (delayMs > Math.min(this.#maxWaitMs, maxTimerMs)) {
      throw new ModelCallError({
        kind: 'rate_limiter_timeout',
        endpoint: this.#endpoint,
        message:
          `The rate limiter for ${this.#endpoint} has no capacity for ${delayMs} ms (${reason}), ` +
          `longer than rateLimit.maxWaitMs (${this.#maxWaitMs} ms). Raise the limits if the provider ` +
          'allows it, raise maxWaitMs, or send fewer concurrent calls.',
      });
    }
    this.#requests?.take(1, now);
    this.#tokens?.take(estimatedTokens, now);
    let done = false;
    return {
      delayMs,
      reason,
      cancel: () => {
        if (done) return;
        done = true;
        const at = this.#clock.now();
        this.#requests?.give(1, at);
        this.#tokens?.give(estimatedTokens, at);
      },
      settle: (actualTokens) => {
        if (done) return;
        done = true;
        const at = this.#clock.now();
        const correction = actualTokens - estimatedTokens;
        if (correction > 0) this.#tokens?.take(correction, at);
        else this.#tokens?.give(-correction, at);
      },
    };
  }
}
