import type { ResponseCache } from '../cache/create-response-cache';
import type { ModelCall, ModelCallMiddleware } from './types';

/** The two ends of {@link forgetBlockedAnswers}: one above the guards, one in the cache step. */
export interface BlockedAnswerForgetting {
  /** The step above the user's middleware: drops a stored answer its call ended blocked on. */
  readonly step: ModelCallMiddleware;
  /** Told by the cache step of the key a call's fresh answer went under. */
  stored(call: ModelCall, key: string): void;
}

/**
 * The cache sits below the guards, so it stored an answer before an output guard blocked it,
 * and served it to the next identical request: blocked again by the same guard, but given
 * as it was to another agent sharing the cache without that guard (a leaked key, say). The
 * step above the guards sees the call end blocked and drops what the cache stored for it.
 * Identical calls that waited on that one in flight were served it already, and were judged
 * by their own guards.
 */
export function forgetBlockedAnswers(cache: ResponseCache): BlockedAnswerForgetting {
  /** Keys stored by calls still in the pipeline, by thread and journal key. */
  const keys = new Map<string, string>();
  const idOf = (call: ModelCall) => `${call.scope.threadId}\u0000${call.callId}`;
  return {
    step: {
      name: 'forget-blocked-answers',
      async call(call, next) {
        const id = idOf(call);
        try {
          const outcome = await next(call);
          const key = keys.get(id);
          if (outcome.blocked && key !== undefined) await cache.forget?.(key);
          return outcome;
        } finally {
          keys.delete(id);
        }
      },
    },
    stored(call, key) {
      keys.set(idOf(call), key);
    },
  };
}
