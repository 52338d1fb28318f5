/**
 * @module
 * The reliability layer every model call goes through: retries, deadlines, breakers, rate
 * limits and a retry budget, in one place.
 */
import { systemClock, systemRandom } from '../clock/clock';
import { DefinitionError } from '../errors/definition-error';
import { checkOptionNames, describeValue, optionNamesOf } from '../errors/option-names';
import { BreakerWatchers } from './breaker-watchers';
import type { RetrySettings } from './call-model-with-retries';
import { openCallScope } from './call-scope';
import { resolveCircuitBreakerOptions } from './circuit-breaker';
import { createEndpointGuardRegistry } from './endpoint-guards';
import { FallbackCall, type PolicyServices } from './fallback-call';
import { type ResolvedRateLimitOptions, resolveRateLimitOptions } from './rate-limiter';
import { ReliabilityEvents } from './reliability-events';
import { defaultMinRetriesFor, resolveRetryBudgetOptions } from './retry-budget';
import type { ReliabilityPolicy, ReliabilityPolicyOptions } from './types';
import { maxTimerMs, validateNumberOption } from './validate-option';

const owner = 'createReliabilityPolicy';

/** The options a reliability policy reads; any other name is a misspelling. */
const policyOptionNames = optionNamesOf<ReliabilityPolicyOptions>({
  maxAttempts: true,
  baseDelayMs: true,
  maxDelayMs: true,
  maxRetryAfterMs: true,
  deadlineMs: true,
  attemptTimeoutMs: true,
  breaker: true,
  rateLimit: true,
  rateLimitByEndpoint: true,
  retryBudget: true,
  clock: true,
  random: true,
});

/**
 * Makes the reliability policy an agent sends every model call through. Retryable failures
 * (429, 5xx, 408/timeouts, 409, resets, malformed bodies) are retried with full-jitter backoff
 * or the server's hint; fatal ones are not. Each endpoint has a circuit breaker that judges
 * its failure rate over a window, an optional rate limiter and a retry budget that allows
 * retries up to a share of its active calls, all shared by every run using the policy. A
 * call moves on to the next of `models` when an endpoint's breaker is open, its attempts or
 * retry budget are spent, it asks for a wait over `maxRetryAfterMs` or past the deadline, or
 * it fails for an endpoint-specific reason (401, 403, 404, quota exhausted).
 *
 * The defaults are meant for production: 3 attempts, backoff from 500 ms, 120 s per attempt,
 * 300 s per call; a breaker that opens when half the requests of the last 10 s failed (20 at
 * least) and probes after 30 s; retries up to 20% of the active calls (3 at least). An idle
 * policy holds no timer: timers exist only while a call waits.
 *
 * @throws DefinitionError `definition.invalid_option` when an option is out of range.
 *
 * @example
 * ```ts
 * const policy = createReliabilityPolicy({
 *   maxAttempts: 3,
 *   deadlineMs: 120_000,
 *   breaker: { failureRateThreshold: 0.5, minimumRequests: 20, cooldownMs: 30_000 },
 *   retryBudget: { ratio: 0.2, minRetries: 3 },
 *   rateLimit: { requestsPerMinute: 500, tokensPerMinute: 200_000 },
 * });
 * policy.on('breaker.change', ({ endpoint, from, to, reason }) => log(endpoint, from, to, reason));
 * const { response, model } = await policy.call({ models: [primary, fallback], request, signal });
 * ```
 */
export function createReliabilityPolicy(options: ReliabilityPolicyOptions = {}): ReliabilityPolicy {
  checkOptionNames(owner, options, policyOptionNames);
  const {
    maxAttempts = 3,
    baseDelayMs = 500,
    maxDelayMs = 30_000,
    maxRetryAfterMs = 60_000,
    deadlineMs = 300_000,
    attemptTimeoutMs = 120_000,
    breaker = {},
    rateLimit,
    rateLimitByEndpoint = {},
    retryBudget = {},
    clock = systemClock,
    random = systemRandom,
  } = options;
  validateNumberOption(owner, 'maxAttempts', maxAttempts, {
    min: 1,
    max: Number.MAX_SAFE_INTEGER,
    integer: true,
    expected: 'a whole number of attempts, at least 1 (1 means no retries)',
  });
  // Each is a timer's delay: the platform's timers stop at maxTimerMs (about 24.8 days).
  const milliseconds = `a number of milliseconds from 0 to ${maxTimerMs}`;
  validateNumberOption(owner, 'baseDelayMs', baseDelayMs, { min: 0, expected: milliseconds });
  validateNumberOption(owner, 'maxDelayMs', maxDelayMs, {
    min: baseDelayMs,
    expected: `a number of milliseconds no smaller than baseDelayMs (${baseDelayMs}), up to ${maxTimerMs}`,
  });
  validateNumberOption(owner, 'maxRetryAfterMs', maxRetryAfterMs, {
    min: 0,
    allowInfinity: true,
    expected: `${milliseconds}, or Infinity to wait as long as any Retry-After asks`,
  });
  const timeLimit = `a positive number of milliseconds up to ${maxTimerMs}, or Infinity for no limit`;
  validateNumberOption(owner, 'deadlineMs', deadlineMs, {
    min: 0,
    exclusiveMin: true,
    allowInfinity: true,
    expected: timeLimit,
  });
  validateNumberOption(owner, 'attemptTimeoutMs', attemptTimeoutMs, {
    min: 0,
    exclusiveMin: true,
    allowInfinity: true,
    expected: timeLimit,
  });
  // Services the policy calls on every attempt: a wrong one would fail the first call.
  if (
    typeof clock !== 'object' ||
    clock === null ||
    typeof clock.now !== 'function' ||
    typeof clock.setTimeout !== 'function' ||
    typeof clock.clearTimeout !== 'function'
  ) {
    throw new DefinitionError(
      'definition.invalid_option',
      `${owner}: clock must be a clock (an object with now, setTimeout and clearTimeout) such as manualClock() from @agentchart/core/testing, got ${describeValue(clock)}.`,
    );
  }
  if (typeof random !== 'function') {
    throw new DefinitionError(
      'definition.invalid_option',
      `${owner}: random must be a function returning a number in [0, 1), as Math.random does, got ${describeValue(random)}.`,
    );
  }
  if (
    typeof rateLimitByEndpoint !== 'object' ||
    rateLimitByEndpoint === null ||
    Array.isArray(rateLimitByEndpoint)
  ) {
    throw new DefinitionError(
      'definition.invalid_option',
      `${owner}: rateLimitByEndpoint must be an object of rate limits by endpoint, such as { 'openai:https://api.openai.com/v1:gpt-4o': { requestsPerMinute: 500 } }, got ${describeValue(rateLimitByEndpoint)}.`,
    );
  }
  const resolvedByEndpoint: Record<string, ResolvedRateLimitOptions> = {};
  for (const [endpoint, limits] of Object.entries(rateLimitByEndpoint)) {
    resolvedByEndpoint[endpoint] = resolveRateLimitOptions(limits);
  }

  const settings: RetrySettings = {
    maxAttempts,
    baseDelayMs,
    maxDelayMs,
    maxRetryAfterMs,
    attemptTimeoutMs,
  };
  const events = new ReliabilityEvents(() => clock.now());
  const watchers = new BreakerWatchers(events);
  const registry = createEndpointGuardRegistry({
    breaker: breaker && resolveCircuitBreakerOptions(breaker),
    retryBudget:
      retryBudget && resolveRetryBudgetOptions(retryBudget, defaultMinRetriesFor(maxAttempts)),
    rateLimit: rateLimit && resolveRateLimitOptions(rateLimit),
    rateLimitByEndpoint: resolvedByEndpoint,
    clock,
    events,
  });
  const services: PolicyServices = { settings, registry, events, clock, random };

  return {
    on: (type, listener) => events.on(type, listener),
    status: (endpoint) => registry.status(endpoint),
    passesOver: (endpoint) => registry.passesOver(endpoint),

    // Not an async function: a call in flight holds its `FallbackCall`, not a suspended frame.
    call(options) {
      try {
        const { models, signal, onBreakerChange } = options;
        if (models.length === 0) {
          throw new DefinitionError(
            'definition.model_not_provided',
            'ReliabilityPolicy.call was given no model. Pass at least one ChatModel in `models`.',
          );
        }
        const scope = openCallScope({ callerSignal: signal, deadlineMs, clock });
        // Breaker changes of this call's endpoints while it is under way concern its caller.
        const watch = onBreakerChange ? watchers.watch(models, onBreakerChange) : undefined;
        return new FallbackCall(services, options, scope, watch).from(0);
      } catch (error) {
        return Promise.reject(error);
      }
    },
  };
}
