import type { Clock } from '../clock/clock';
import { CircuitBreaker } from './circuit-breaker';
import { RateLimiter, type ResolvedRateLimitOptions } from './rate-limiter';
import type { ReliabilityEvents } from './reliability-events';
import { RetryBudget } from './retry-budget';
import type { CircuitBreakerOptions, EndpointStatus, RetryBudgetOptions } from './types';

/** The shared state guarding one endpoint: its breaker, retry budget and rate limiter. */
export interface EndpointGuards {
  breaker: CircuitBreaker;
  budget: RetryBudget | undefined;
  limiter: RateLimiter | undefined;
}

/** Options of {@link createEndpointGuardRegistry}, already resolved and checked. */
export interface EndpointGuardRegistryOptions {
  breaker: Required<CircuitBreakerOptions> | false;
  retryBudget: Required<RetryBudgetOptions> | false;
  rateLimit: ResolvedRateLimitOptions | undefined;
  rateLimitByEndpoint: Readonly<Record<string, ResolvedRateLimitOptions>>;
  clock: Clock;
  events: ReliabilityEvents;
}

/** Guards per endpoint, made on first use and kept for the policy's life. */
export interface EndpointGuardRegistry {
  guardsFor(endpoint: string): EndpointGuards;
  status(endpoint: string): EndpointStatus;
  /** True while the endpoint's breaker fails calls fast (see `ModelCallPolicy.passesOver`). */
  passesOver(endpoint: string): boolean;
}

/**
 * Keeps one set of guards per endpoint, so every run using the policy shares an endpoint's
 * health, budget and capacity, while one endpoint's outage leaves the others alone.
 */
export function createEndpointGuardRegistry({
  breaker,
  retryBudget,
  rateLimit,
  rateLimitByEndpoint,
  clock,
  events,
}: EndpointGuardRegistryOptions): EndpointGuardRegistry {
  const guards = new Map<string, EndpointGuards>();
  const guardsFor = (endpoint: string): EndpointGuards => {
    let found = guards.get(endpoint);
    if (!found) {
      const limits = rateLimitByEndpoint[endpoint] ?? rateLimit;
      const limited =
        limits && (limits.requestsPerMinute !== undefined || limits.tokensPerMinute !== undefined);
      found = {
        // A disabled breaker is one that never trips: the code path stays the same.
        breaker: new CircuitBreaker({
          ...(breaker || { minimumRequests: Number.POSITIVE_INFINITY }),
          clock,
          onChange: (change) => events.emit('breaker.change', { endpoint, ...change }),
        }),
        budget: retryBudget ? new RetryBudget({ ...retryBudget, clock }) : undefined,
        limiter: limited ? new RateLimiter({ ...limits, endpoint, clock }) : undefined,
      };
      guards.set(endpoint, found);
    }
    return found;
  };
  return {
    guardsFor,
    passesOver: (endpoint) => guards.get(endpoint)?.breaker.blockedReason() !== undefined,
    status(endpoint) {
      // Read without creating: asking about an endpoint must not allocate guards for it.
      const found = guards.get(endpoint);
      return {
        breaker: found?.breaker.state ?? 'closed',
        retriesAllowed: found
          ? (found.budget?.retriesAllowed() ?? Number.POSITIVE_INFINITY)
          : retryBudget
            ? retryBudget.minRetries
            : Number.POSITIVE_INFINITY,
      };
    },
  };
}
