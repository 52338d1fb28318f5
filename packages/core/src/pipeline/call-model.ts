import type { EffectScope } from '../effects/effect-scope';
import type { ChatRequest, ChatResponse } from '../model/types';
import type { ModelCallSettings } from './types';

/**
 * Sends one model call from an effect through its agent's pipeline (see
 * `createModelCallPipeline`): budgeted, journaled, limited, accounted, cached, retried.
 */
export async function callModel(
  scope: EffectScope,
  alias: string,
  request: ChatRequest,
  settings: ModelCallSettings = {},
): Promise<ChatResponse> {
  const { runtime } = scope.run;
  const models = runtime.models.get(alias)!;
  const outcome = await runtime.pipeline({
    scope,
    alias,
    models,
    request,
    settings,
    callId: '',
  });
  return outcome.response;
}
