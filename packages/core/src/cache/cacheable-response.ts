import type { ChatResponse } from '../model/types';
import type { ToolEffect } from '../tools/types';

/** Why a response may or may not be cached. */
export type CacheableVerdict = { cacheable: true } | { cacheable: false; reason: string };

/**
 * Whether a response may be stored in the exact cache.
 *
 * Never cached:
 * - a response that calls an `unsafe` tool, or a tool whose effect is unknown. A cached tool
 *   call is a replayed *decision to act*: served to a later run with the same input, it would
 *   make that run send the email or the payment again without a model ever deciding so — and
 *   under a new run's idempotency key, so nothing downstream would recognise the repeat.
 *   Calls to `pure` and `idempotent` tools are safe to replay;
 * - a truncated answer (`length`), a filtered one (`content_filter`) or a refusal: a retry
 *   may well do better, and a cache would make the failure permanent.
 *
 * The caller may refuse more with the `usable` option of `ResponseCache.call`: effects refuse the
 * answers they cannot use, such as a structured answer that fails its schema.
 */
export function cacheableResponse(
  response: ChatResponse,
  toolEffects: Readonly<Record<string, ToolEffect>> = {},
): CacheableVerdict {
  if (response.finishReason === 'length' || response.finishReason === 'content_filter') {
    return { cacheable: false, reason: `finish reason ${response.finishReason}` };
  }
  if (response.finishReason === 'refusal' || response.refusal)
    return { cacheable: false, reason: 'refusal' };
  for (const call of response.toolCalls) {
    const effect = toolEffects[call.name];
    if (effect === undefined)
      return { cacheable: false, reason: `tool "${call.name}" has no known effect` };
    if (effect === 'unsafe') return { cacheable: false, reason: `tool "${call.name}" is unsafe` };
  }
  return { cacheable: true };
}
