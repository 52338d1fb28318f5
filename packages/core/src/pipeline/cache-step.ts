import type { ResponseCache } from '../cache/create-response-cache';
import type { ModelCallMiddleware, ModelCallOutcome } from './types';

/**
 * Serves a repeated request from the agent's response cache: no model call, nothing billed.
 * Answers that call `unsafe` tools, refusals and truncated answers are never stored, nor
 * answers the effect cannot use or a fallback model gave.
 */
export function cacheStep(cache: ResponseCache): ModelCallMiddleware {
  return {
    name: 'cache',
    async call(call, next) {
      const primary = call.models[0]!;
      let made: ModelCallOutcome | undefined;
      const { response, hit } = await cache.call({
        model: primary.endpoint,
        request: call.request,
        cache: call.settings.cache ?? true,
        // Tenants share no entries: no answer, and no hit that tells what another asked.
        ...(call.scope.run.tenantId === undefined ? {} : { partition: call.scope.run.tenantId }),
        ...(call.settings.toolEffects ? { toolEffects: call.settings.toolEffects } : {}),
        // Stored under the primary's key, an answer must be the primary's: a fallback's,
        // served after the primary recovered, would pass for the primary's for the whole TTL.
        // (`made` is unset when a stored answer is judged before being served.)
        usable: (response) =>
          (made === undefined || made.model === primary.modelName) &&
          (call.settings.usable?.(response) ?? true),
        signal: call.scope.signal,
        execute: async () => {
          made = await next(call);
          return made.response;
        },
      });
      if (!hit && made) return made;
      return { response, model: primary.modelName, attempts: 0, costUsd: 0, cached: true };
    },
  };
}
