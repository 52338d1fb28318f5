import { hash } from 'node:crypto';
import type { TransportFailure } from './created-transport';

/** The `_meta` key that carries the call's idempotency key, as the server gets it, to the server. */
export const idempotencyKeyMeta = 'agentchart/idempotency-key';

/**
 * The idempotency key a server is sent for a call: the hex SHA-256 of the harness's
 * (`<thread id>:<journal key>`). As stable as that one — the same call sends the same key
 * from any process, after any restart — so a server can still drop a repeat; but a server
 * every tenant's runs call (one you do not run, say) learns no thread ids from it, where the
 * harness's key names the thread (`acme:ticket-7:tool:refund#0`) (ADR 0102).
 */
export function serverIdempotencyKey(idempotencyKey: string): string {
  return hash('sha256', idempotencyKey, 'hex');
}

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
