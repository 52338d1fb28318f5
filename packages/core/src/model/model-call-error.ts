import { AgentchartError } from '../errors/agentchart-error';

/**
 * What went wrong with a model call, in the terms the reliability policy decides on.
 * Adapters map their provider's errors onto these; nothing else is needed to retry well.
 */
export type ModelErrorKind =
  | 'rate_limited' // 429 without exhausted quota
  | 'server_error' // 5xx
  | 'timeout' // 408, or no answer within the attempt timeout
  | 'conflict' // 409
  | 'connection' // reset, refused, socket hang up, stream cut
  | 'malformed_response' // body or stream that cannot be parsed
  | 'bad_request' // 400
  | 'context_length' // 400 context_length_exceeded
  | 'too_many_tools' // more tools than the endpoint takes in one request; refused before sending
  | 'authentication' // 401
  | 'permission' // 403
  | 'not_found' // 404
  | 'quota_exhausted' // 429 insufficient_quota: retrying cannot help
  | 'circuit_open' // the endpoint's breaker is open
  | 'retry_hint_too_long' // the server asked to wait longer than the policy allows
  | 'deadline_exceeded' // the call's deadline passed across attempts
  | 'rate_limiter_timeout' // the local rate limiter could not grant capacity in time
  | 'aborted' // the caller's signal aborted
  | 'unknown';

const retryableKinds: ReadonlySet<ModelErrorKind> = new Set([
  'rate_limited',
  'server_error',
  'timeout',
  'conflict',
  'connection',
  'malformed_response',
]);

/** True when retrying the same request may succeed. */
export function isRetryableModelErrorKind(kind: ModelErrorKind): boolean {
  return retryableKinds.has(kind);
}

/** Options for {@link ModelCallError}. */
export interface ModelCallErrorOptions {
  kind: ModelErrorKind;
  message: string;
  /** The model endpoint that failed, as in {@link ChatModel.endpoint}. */
  endpoint?: string | undefined;
  status?: number | undefined;
  /**
   * When calling again may help: the server's retry hint (retry-after-ms, or Retry-After in
   * seconds or as a date), or for `circuit_open` the time until the breaker lets a probe through.
   */
  retryAfterMs?: number | undefined;
  cause?: unknown | undefined;
}

/** A model call that failed; `kind` says whether a retry can help. */
export class ModelCallError extends AgentchartError<`model.${ModelErrorKind}`> {
  readonly kind: ModelErrorKind;
  readonly endpoint: string | undefined;
  readonly status: number | undefined;
  /** See {@link ModelCallErrorOptions.retryAfterMs}. */
  readonly retryAfterMs: number | undefined;

  constructor({ kind, message, endpoint, status, retryAfterMs, cause }: ModelCallErrorOptions) {
    super(`model.${kind}`, { message, cause });
    this.kind = kind;
    this.endpoint = endpoint;
    this.status = status;
    this.retryAfterMs = retryAfterMs;
  }

  /** True when retrying the same request may succeed. */
  get retryable(): boolean {
    return isRetryableModelErrorKind(this.kind);
  }

  /**
   * The error as a failed outcome, a checkpoint and an event carry it: `retryable` included,
   * so a service that answers an outcome (an HTTP route choosing 503 or 502) reads it there
   * instead of keeping its own copy of which kinds may be retried.
   */
  override toJSON() {
    return {
      ...super.toJSON(),
      kind: this.kind,
      retryable: this.retryable,
      endpoint: this.endpoint,
      status: this.status,
      retryAfterMs: this.retryAfterMs,
    };
  }
}
