import { hashRequest } from './hash-request';
import type { ModelCallMiddleware } from './types';

/**
 * Journals the call under its own key: intent first, the outcome after. On resume a recorded
 * outcome is returned and nothing below runs — no limit check, no cache, no second payment.
 * The outcome recorded is what the run's usage folds (see `addRecordUsage`); the entry's
 * `meta` keeps the request's hash and, for a versioned prompt, its id and version.
 */
export function journalStep(): ModelCallMiddleware {
  return {
    name: 'journal',
    async call(call, next) {
      const { scope, models } = call;
      const callId = scope.nextKey('llm');
      // Recorded so a replay can tell when the code now sends the model something else.
      const requestHash = hashRequest(call.request);
      const { value } = await scope.journaled(
        callId,
        {
          kind: 'llm',
          effect: 'idempotent',
          name: models[0]!.modelName,
          // The prompt's id and version: what a run log's prompt_version column reads.
          meta: { requestHash, ...(call.settings.prompt ? { prompt: call.settings.prompt } : {}) },
        },
        () => next({ ...call, callId, requestHash }),
      );
      return value;
    },
  };
}
