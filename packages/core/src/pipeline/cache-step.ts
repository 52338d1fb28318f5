import type { ResponseCache } from '../cache/create-response-cache';
import type { ChatModel } from '../model/types';
import type { ModelCallPolicy } from '../reliability/types';
import type { ModelCall, ModelCallMiddleware, ModelCallOutcome } from './types';

/**
 * Serves a repeated request from the agent's response cache: no model call, nothing billed.
 * A call is keyed by the model that would answer it: its first, or the first whose breaker
 * lets it through (`policy.passesOver`), so identical calls during an outage share the
 * fallback's answer. Answers that call `unsafe` tools, refusals and truncated answers are
 * never stored, nor answers the effect cannot use or another model gave than the key's.
 * `identityOf` names the model in the key (default its endpoint; the agent passes
 * `cacheIdentities`, so two of its models sharing an endpoint share no entries). `onStored`
 * is told the key a fresh answer went under (see `forgetBlockedAnswers`).
 */
export function cacheStep(
  cache: ResponseCache,
  policy?: ModelCallPolicy,
  identityOf: (model: ChatModel) => string = (model) => model.endpoint,
  onStored?: (call: ModelCall, key: string) => void,
): ModelCallMiddleware {
  return {
    name: 'cache',
    async call(call, next) {
      const expected =
        call.models.find((model) => !policy?.passesOver?.(model.endpoint)) ?? call.models[0]!;
      let made: ModelCallOutcome | undefined;
      const { response, hit, key } = await cache.call({
        model: identityOf(expected),
        request: call.request,
        cache: call.settings.cache ?? true,
        // Tenants share no entries: no answer, and no hit that tells what another asked.
        ...(call.scope.run.tenantId === undefined ? {} : { partition: call.scope.run.tenantId }),
        ...(call.settings.toolEffects ? { toolEffects: call.settings.toolEffects } : {}),
        // Stored under a model's key, an answer must be that model's: a fallback's under the
        // primary's, served after the primary recovered, would pass for the primary's for the
        // whole TTL. (`made` is unset when a stored answer is judged before being served.)
        usable: (response) =>
          (made === undefined || made.model === expected.modelName) &&
          (call.settings.usable?.(response) ?? true),
        signal: call.scope.signal,
        execute: async () => {
          made = await next(call);
          return made.response;
        },
      });
      if (!hit && made) {
        onStored?.(call, key);
        return made;
      }
      return { response, model: expected.modelName, attempts: 0, costUsd: 0, cached: true };
    },
  };
}
