import type { ChatMessage, ChatRequest } from '../model/types';
import type { Redactor } from '../security/create-redactor';
import { hashRequest } from './hash-request';
import type { ModelCallMiddleware } from './types';

/** Each message as it may be stored, made once (messages are sent again on every step). */
const redactedMessages = new WeakMap<ChatMessage, ChatMessage>();

/**
 * The request as the journal may know it: a replay rebuilds requests from redacted
 * checkpoints, so the hash that tells whether a request changed is taken after redaction.
 */
function redactedRequest(request: ChatRequest, redactor: Redactor): ChatRequest {
  if (!redactor.active) return request;
  const { messages, ...rest } = request;
  return {
    ...redactor.value(rest),
    messages: messages.map((message) => {
      let redacted = redactedMessages.get(message);
      if (!redacted) {
        redacted = redactor.value(message);
        redactedMessages.set(message, redacted);
      }
      return redacted;
    }),
  };
}

/**
 * Journals the call under its own key: intent first, the outcome after. On resume a recorded
 * outcome is returned and nothing below runs — no limit check, no cache, no second payment.
 * The outcome recorded is what the run's usage folds (see `addRecordUsage`).
 */
export function journalStep({ redactor }: { redactor: Redactor }): ModelCallMiddleware {
  return {
    name: 'journal',
    async call(call, next) {
      const { scope, models } = call;
      const callId = scope.nextKey('llm');
      // Recorded so a replay can tell when the code now sends the model something else.
      const requestHash = hashRequest(redactedRequest(call.request, redactor));
      const { value } = await scope.journaled(
        callId,
        { kind: 'llm', effect: 'idempotent', name: models[0]!.modelName, meta: { requestHash } },
        () => next({ ...call, callId, requestHash }),
      );
      return value;
    },
  };
}
