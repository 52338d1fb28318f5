import type { ModelCallPolicy, ModelCallResult } from '../reliability/types';
import { tokenSinkOf } from './token-sink';
import type { ModelCall, ModelCallOutcome } from './types';

/**
 * The end of the pipeline: the call goes to the agent's reliability policy (retries,
 * deadline, breakers, rate limits, fallback models), which calls the adapter. Not an async
 * function: while the call is in flight it keeps no frame of its own, only the policy's.
 */
export function policyCall(policy: ModelCallPolicy) {
  return (call: ModelCall): Promise<ModelCallOutcome> => {
    const { scope, callId, ledger } = call;
    const { events } = scope.run;
    const { threadId, site } = scope;
    const onToken = tokenSinkOf(call);
    return policy
      .call({
        models: call.models,
        request: call.request,
        signal: scope.signal,
        ...(ledger ? { estimatedInputTokens: ledger.inputTokens } : {}),
        // A policy of the user's may leave the attempt out: its deltas are the first's.
        onToken: onToken && ((delta, attempt = 1) => onToken(delta, attempt)),
        onRetry: (info) => events.emit('llm.call.retry', threadId, { site, callId, ...info }),
        onFallback: (info) => events.emit('llm.call.fallback', threadId, { site, callId, ...info }),
        onBreakerChange: (change) => events.emit('breaker.change', threadId, change),
      })
      .then(outcomeOf);
  };
}

/** The policy's result as the pipeline's outcome: not priced yet, not from the cache. */
function outcomeOf(result: ModelCallResult): ModelCallOutcome {
  return {
    response: result.response,
    model: result.model.modelName,
    attempts: result.attempts,
    costUsd: 0,
    cached: false,
  };
}
