import type { RetryBudgetOptions } from './types';
import { validateNumberOption } from './validate-option';

/**
 * Retry budget options with defaults applied, checked.
 *
 * @throws DefinitionError `definition.invalid_option` for `maxTokens` ≤ 0 or a ratio outside (0, 1].
 */
export function resolveRetryBudgetOptions({
  maxTokens = 10,
  tokenRatio = 0.1,
}: RetryBudgetOptions = {}): Required<RetryBudgetOptions> {
  validateNumberOption('createReliabilityPolicy', 'retryBudget.maxTokens', maxTokens, {
    min: 0,
    exclusiveMin: true,
    max: Number.MAX_SAFE_INTEGER,
    expected: 'a positive number of tokens, e.g. 10',
  });
  validateNumberOption('createReliabilityPolicy', 'retryBudget.tokenRatio', tokenRatio, {
    min: 0,
    exclusiveMin: true,
    max: 1,
    expected: 'a ratio in (0, 1], e.g. 0.1 (one retry earned back per ten successes)',
  });
  return { maxTokens, tokenRatio };
}

/**
 * Retry throttling for one endpoint, shared by every run, with gRPC's semantics (gRPC A6
 * "Retry throttling"): the count starts at `maxTokens`; each retryable failure takes 1, each
 * success gives back `tokenRatio` (up to `maxTokens`); a retry is allowed only while the count
 * is above `maxTokens / 2`. When every call fails, retries stop after about `maxTokens / 2`
 * failures, so an outage costs little more than one attempt per call instead of
 * `maxAttempts`; a failure rate under about `tokenRatio` keeps retries available.
 */
export class RetryBudget {
  readonly #maxTokens: number;
  readonly #tokenRatio: number;
  #tokens: number;

  constructor(options: RetryBudgetOptions = {}) {
    const { maxTokens, tokenRatio } = resolveRetryBudgetOptions(options);
    this.#maxTokens = maxTokens;
    this.#tokenRatio = tokenRatio;
    this.#tokens = maxTokens;
  }

  /** Tokens left. */
  get tokens(): number {
    return this.#tokens;
  }

  /** Records an attempt that failed with a retryable kind. */
  recordFailure(): void {
    this.#tokens = Math.max(0, this.#tokens - 1);
  }

  /** Records an attempt that succeeded. */
  recordSuccess(): void {
    // Rounded to a thousandth so 0.1 steps do not drift through float error around the threshold.
    this.#tokens = Math.min(
      this.#maxTokens,
      Math.round((this.#tokens + this.#tokenRatio) * 1000) / 1000,
    );
  }

  /** True when a retry may be sent now. */
  allowsRetry(): boolean {
    return this.#tokens > this.#maxTokens / 2;
  }
}
