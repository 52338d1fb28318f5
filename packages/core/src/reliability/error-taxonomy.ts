import { AgentchartError } from '../errors/agentchart-error';
import { describeThrown } from '../errors/describe-thrown';
import { ModelCallError, type ModelErrorKind } from '../model/model-call-error';

/**
 * Fatal kinds that belong to one endpoint, not to the request: another model may well
 * answer (`too_many_tools`: the next endpoint may take more tools in one request).
 * `bad_request` and `context_length` are not here: the same request would most likely fail on
 * the next model too (a fallback with a bigger window is the context budget's job).
 */
const fallbackKinds: ReadonlySet<ModelErrorKind> = new Set<ModelErrorKind>([
  'not_found',
  'authentication',
  'permission',
  'quota_exhausted',
  'circuit_open',
  'too_many_tools',
]);

/** True when the next model of the chain should be tried after this error. */
export function isFallbackModelErrorKind(kind: ModelErrorKind): boolean {
  return fallbackKinds.has(kind);
}

/**
 * True when the server paced this attempt rather than failed it: a 429 (`rate_limited`) that
 * says when to come back (a retry hint over 0). Such a server is up and answering at once;
 * a burst over its rate limit gets one on most calls together, which is no sign of an outage.
 * So the breaker does not count it as a failure and the retry budget does not refuse its
 * retry: the hint paces the retry, `maxAttempts`, `maxRetryAfterMs` and the deadline bound it
 * (ADR 0100). A 429 without a hint says nothing of when the server can take more, and is
 * judged like any retryable failure.
 */
export function isPacedByServer(error: ModelCallError): boolean {
  return error.kind === 'rate_limited' && (error.retryAfterMs ?? 0) > 0;
}

/**
 * Any thrown value as a {@link ModelCallError}. Adapters throw ModelCallError; anything else is
 * an error nobody classified, so it becomes kind `unknown`, which is fatal: retrying what we do
 * not understand risks repeating a side effect or a bug.
 */
export function toModelCallError(error: unknown, endpoint: string): ModelCallError {
  if (error instanceof ModelCallError) return error;
  if (
    AgentchartError.isInstance(error) &&
    typeof (error as Partial<ModelCallError>).kind === 'string' &&
    error.code.startsWith('model.')
  ) {
    // A ModelCallError from another copy of the package: instanceof fails across copies.
    return error as ModelCallError;
  }
  const message = describeThrown(error);
  return new ModelCallError({
    kind: 'unknown',
    endpoint,
    message:
      `Model call to ${endpoint} failed with an error that is not a ModelCallError: ${message}. ` +
      'It is treated as fatal and not retried; make the adapter throw ModelCallError with a kind.',
    cause: error,
  });
}

/**
 * A short reason for events and retry notices: kind and message. The message loses its final
 * full stop, since the policy's own sentence goes on after it ("…; maxAttempts (3) allows no
 * more"): an adapter's message, which ends in one, read ".;" and ".." there.
 */
export function describeModelError(error: ModelCallError): string {
  return `${error.kind}: ${error.message.replace(/\.\s*$/, '')}`;
}
