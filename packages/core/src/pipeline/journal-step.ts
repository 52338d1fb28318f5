import type { CostLedger } from '../cost/cost-ledger';
import type { ChatMessage, ChatRequest, ToolDefinition } from '../model/types';
import type { Redactor } from '../security/create-redactor';
import { answerConfidence } from './answer-confidence';
import { chainRequestHash, type RequestHashChain } from './hash-request';
import { journalLedger } from './journal-ledger';
import { refusedLimitOf } from './limit-refusal';
import { signalRefusal } from './limits-step';
import { recordRequest } from './record-request';
import type { ModelCall, ModelCallMiddleware, ModelCallOutcome } from './types';

/**
 * Each message, and each list of tool definitions, as it may be stored: made once, since a
 * tool loop sends the same objects again on every step.
 */
const redactedMessages = new WeakMap<ChatMessage, ChatMessage>();
const redactedTools = new WeakMap<readonly ToolDefinition[], ToolDefinition[]>();

/**
 * The request as the journal may know it: a replay rebuilds requests from redacted
 * checkpoints, so the hash that tells whether a request changed is taken after redaction.
 */
function redactedRequest(request: ChatRequest, redactor: Redactor): ChatRequest {
  if (!redactor.active) return request;
  const { messages, tools, ...rest } = request;
  // Fields replaced in place, so the JSON keeps its key order and so its hash: a request
  // with nothing to redact hashes the same whether or not the agent redacts anything.
  const redacted: ChatRequest = { ...request, ...redactor.value(rest) };
  redacted.messages = messages.map((message) => {
    let stored = redactedMessages.get(message);
    if (!stored) {
      stored = redactor.value(message);
      redactedMessages.set(message, stored);
    }
    return stored;
  });
  if (tools) {
    let stored = redactedTools.get(tools);
    if (!stored) {
      stored = redactor.value(tools);
      redactedTools.set(tools, stored);
    }
    redacted.tools = stored;
  }
  return redacted;
}

/**
 * Journals the call under its own key: intent first, the outcome after. On resume a recorded
 * outcome is returned and nothing below runs — no limit check, no cache, no second payment.
 * The outcome recorded is what the run's usage folds (see `addRecordUsage`). The entry's
 * `meta` keeps the request's hash, for a versioned prompt its id and version, what the run
 * log reads (the endpoint asked — once answered, the one that answered —, an escalation that
 * caused the call, the confidence the answer reports), and what a viewer needs to show the
 * call: the budget ledger (tokens per context section; see `journalLedger` for what it leaves
 * out when budgeting changed nothing) and the messages sent, redacted (the
 * store does not redact `meta`), each call storing only the messages the run's previous
 * call did not already send (see `recordRequest`) — across effects too, so a conversation
 * kept in the chart's context and sent by a new `toolLoop` each turn is stored once, not
 * once per turn.
 */
export function journalStep({
  redactor,
  costLedger,
}: {
  redactor: Redactor;
  /**
   * Where a call's cost is kept for cross-run queries: given the outcome once its journal
   * record is written, so it counts the calls the journal (and the run's usage) count — not
   * one whose answer came after its state was left or its run ended, which is not recorded.
   */
  costLedger?: CostLedger | undefined;
}): ModelCallMiddleware {
  // The messages each run sent last, so its next call — the same tool loop's, or a new
  // effect's that carries the conversation on — records only what it adds, and hashes only
  // what it adds.
  const previous = new WeakMap<
    object,
    { key: string; messages: ChatMessage[]; hashChain: RequestHashChain }
  >();
  return {
    name: 'journal',
    // Not an async function: while the call is in flight this step keeps a closure for a
    // refusal, not a suspended frame (see `composePipeline`).
    call(call, next) {
      const { scope, models, settings } = call;
      const callId = settings.summary ? scope.peekKey('summary') : scope.nextKey('llm');
      const stored = redactedRequest(call.request, redactor);
      const before = previous.get(scope.run);
      // Recorded so a replay can tell when the code now sends the model something else.
      const { requestHash, chain } = chainRequestHash(stored, before?.hashChain);
      // A restored run's first call continues from the thread's last recorded request.
      const request = recordRequest(stored, before ?? scope.run.recordedRequest);
      previous.set(scope.run, { key: callId, messages: stored.messages, hashChain: chain });
      const journaling = scope.journaled(
        callId,
        {
          kind: 'llm',
          effect: 'idempotent',
          name: models[0]!.modelName,
          meta: {
            requestHash,
            endpoint: models[0]!.endpoint,
            // The prompt's id and version: what the run log's prompt columns read.
            ...(settings.prompt ? { prompt: settings.prompt } : {}),
            ...(settings.escalation ? { escalation: settings.escalation } : {}),
            ...(settings.summaryOf ? { summaryOf: settings.summaryOf } : {}),
            request,
            ...(call.ledger ? { ledger: journalLedger(call.ledger) } : {}),
          },
          resultMeta: (outcome: ModelCallOutcome) => {
            const answeredBy = models.find((model) => model.modelName === outcome.model);
            const confidence = answerConfidence(call.request, outcome.response);
            return {
              ...(answeredBy ? { endpoint: answeredBy.endpoint } : {}),
              ...(confidence === undefined ? {} : { confidence }),
            };
          },
        },
        () => next({ ...call, callId, requestHash }),
      );
      const refused = (error: unknown) => {
        // A call a limit refused is on record as refused by now; only then is the limit
        // signalled, since ending the run aborts the effect and an aborted step is not recorded.
        const limit = refusedLimitOf(error);
        if (limit) return signalRefusal(scope, limit, error);
        throw error;
      };
      // Without a cost ledger, one reaction takes the value or the refusal: nothing between
      // them can fail (a hop less for every call in flight).
      if (!costLedger) return journaling.then(journaledValue, refused);
      return journaling
        .then((result) => costRecorded(costLedger, call, callId, result))
        .then(undefined, refused);
    },
  };
}

/**
 * The outcome a journaled call came back with, once `ledger` has it: a call recorded now, not
 * one read back from the journal, which was put in the ledger when it was recorded.
 */
async function costRecorded(
  ledger: CostLedger,
  { scope }: ModelCall,
  callId: string,
  { value, replayed }: { value: ModelCallOutcome; replayed: boolean },
): Promise<ModelCallOutcome> {
  if (replayed) return value;
  const { tenantId } = scope.run;
  await ledger.record({
    threadId: scope.threadId,
    ...(tenantId === undefined ? {} : { tenantId }),
    callId,
    model: value.model,
    usage: value.response.usage,
    costUsd: value.costUsd,
    cached: value.cached,
    at: scope.run.clock.now(),
  });
  return value;
}

/** The outcome a journaled call came back with, recorded now or earlier. */
function journaledValue({ value }: { value: ModelCallOutcome }): ModelCallOutcome {
  return value;
}
