/**
 * @module @agentchart/core/reliability
 * The one reliability policy every model call goes through: retries with backoff and
 * jitter, retry hints, a deadline, per-attempt timeouts, a circuit breaker, a rate limiter
 * and a retry budget per endpoint, fallback models. `createAgent` uses one by default; build
 * your own to tune it or to share it between agents.
 */

export type { Random } from '../clock/clock';
export { createReliabilityPolicy } from './create-reliability-policy';
export {
  type CircuitBreakerOptions,
  type EndpointStatus,
  type RateLimitOptions,
  type ReliabilityEvent,
  type ReliabilityEventListener,
  type ReliabilityEventPayloads,
  type ReliabilityEventType,
  type ReliabilityPolicy,
  type ReliabilityPolicyOptions,
  type RetryBudgetOptions,
  singleAttemptPolicy,
} from './types';
