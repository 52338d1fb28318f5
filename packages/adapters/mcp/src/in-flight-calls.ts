import type { TransportFailure } from './created-transport';

/** The `_meta` key that carries the harness's idempotency key to the server. */
export const idempotencyKeyMeta = 'agentchart/idempotency-key';

/** One call waiting for its answer. */
export interface InFlightCall {
  /** Aborted when the transport fails under the call: give it to the request. */
  readonly signal: AbortSignal;
  /** The transport failure that ended the call, if one did. */
  failure(): TransportFailure | undefined;
  /** Forgets the call once it has settled. */
  end(): void;
}

/** The calls a session is waiting on, so a transport failure can end them at once. */
export interface InFlightCalls {
  /** How many calls wait for their answer now. */
  readonly size: number;
  /** Starts tracking the call sent with this idempotency key. */
  start(idempotencyKey: string): InFlightCall;
  /**
   * Ends the calls the failure lost (every one for a broken connection, those whose request
   * it names otherwise); returns how many it ended.
   */
  fail(failure: TransportFailure): number;
}

/** An empty set of calls in flight. */
export function inFlightCalls(): InFlightCalls {
  const calls = new Map<AbortController, { key: string; failure: TransportFailure | undefined }>();
  return {
    get size() {
      return calls.size;
    },
    start(key) {
      const controller = new AbortController();
      const call = { key, failure: undefined as TransportFailure | undefined };
      calls.set(controller, call);
      return {
        signal: controller.signal,
        failure: () => call.failure,
        end: () => calls.delete(controller),
      };
    },
    fail(failure) {
      const keys = failure.scope === 'answers' ? new Set(failure.requests.map(keyOf)) : undefined;
      let ended = 0;
      for (const [controller, call] of calls) {
        if (keys && !keys.has(call.key)) continue;
        call.failure = failure;
        calls.delete(controller);
        controller.abort(failure.cause);
        ended += 1;
      }
      return ended;
    },
  };
}

/** The idempotency key a `tools/call` request was sent with (the session sets one on each). */
function keyOf(request: unknown): unknown {
  const meta = (request as { params?: { _meta?: Record<string, unknown> } }).params?._meta;
  return meta?.[idempotencyKeyMeta];
}
