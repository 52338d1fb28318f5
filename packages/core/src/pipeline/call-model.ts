import { hash } from 'node:crypto';
import { applyContextBudget } from '../budget/apply-context-budget';
import { createSummariser } from '../budget/create-summariser';
import type { ContextBudgetOptions, ContextInput } from '../budget/types';
import { costOfUsage } from '../cost/cost-of-usage';
import { projectedLimit } from '../cost/projected-limit';
import { resolvePricing } from '../cost/resolve-pricing';
import type { EffectScope } from '../effects/effect-scope';
import { serializeError } from '../errors/agentchart-error';
import type { ChatMessage, ChatModel, ChatRequest, ChatResponse } from '../model/types';
import type { ToolEffect } from '../tools/types';

/** Per-call settings an effect passes along with its request. */
export interface ModelCallSettings {
  /** This call's budget, over the agent's (e.g. a state that may cut the user's input). */
  budget?: ContextBudgetOptions;
  /** The request's sections, when the effect built them; otherwise they are inferred. */
  context?: ContextInput;
  /** `false` skips the agent's response cache for this call. Default true. */
  cache?: boolean;
  /** The effects of the tools the request offers: answers calling `unsafe` ones are never cached. */
  toolEffects?: Readonly<Record<string, ToolEffect>>;
}

/** A model call as the journal records it; `usageFromJournal` reads it back on resume. */
export interface RecordedModelCall {
  response: ChatResponse;
  model: string;
  attempts: number;
  costUsd: number;
  /** Served from the response cache: no tokens billed, not counted as a model call. */
  cached: boolean;
}

/**
 * One model call, in the order the harness owes it: plan the context within the window
 * (compressing history through the summariser as its own journaled call), then — journaled
 * under one key, so a resume never pays twice — check run limits and the tenant's quota
 * against the planned size, serve from the cache or call through the agent's policy, and
 * account tokens and cost.
 */
export async function callModel(
  scope: EffectScope,
  alias: string,
  request: ChatRequest,
  settings: ModelCallSettings = {},
): Promise<ChatResponse> {
  const { run } = scope;
  const { runtime } = run;
  const models = runtime.models.get(alias)!;
  const primary = models[0]!;
  const { summariserModel } = runtime;
  const { request: sent, ledger } = await applyContextBudget({
    request,
    model: primary,
    counter: runtime.tokenCounterFor(primary),
    budget: { ...runtime.budget, ...settings.budget },
    ...(settings.context ? { context: settings.context } : {}),
    ...(summariserModel && summariserModel !== alias
      ? {
          summarise: createSummariser({
            // The summary must itself fit: keep its head and tail rather than recurse.
            call: (summaryRequest) =>
              callModel(scope, summariserModel, summaryRequest, {
                budget: { strategies: ['keep-head-and-tail'] },
              }),
          }),
        }
      : {}),
  });
  const key = scope.nextKey('llm');
  // Recorded so a replay can tell when the code now sends the model something else.
  const requestHash = hashRequest(sent);
  const { value } = await scope.journaled<RecordedModelCall>(
    key,
    { kind: 'llm', effect: 'idempotent', name: primary.modelName, meta: { requestHash } },
    async () => {
      if (run.checkLimits()) await scope.untilAborted();
      const { events, quota, state } = { ...runtime, state: run.state };
      const plannedTokens = ledger ? ledger.inputTokens + ledger.reservedOutputTokens : 0;
      const projected =
        ledger &&
        projectedLimit(runtime.limits, state.usage, {
          inputTokens: ledger.inputTokens,
          maxOutputTokens: ledger.reservedOutputTokens,
          pricing: resolvePricing(primary, runtime.prices),
        });
      if (projected) {
        run.reachLimit(projected);
        await scope.untilAborted();
      }
      const { tenantId } = state;
      if (quota && tenantId !== undefined) {
        const decision = await quota.admit(tenantId, { estimatedTokens: plannedTokens });
        if (!decision.allowed) {
          run.reachLimit({ limit: decision.limit, value: decision.used, max: decision.max });
          await scope.untilAborted();
        }
      }
      if (ledger)
        events.emit('budget.ledger', scope.threadId, { site: scope.site, callId: key, ledger });
      return invoke(scope, key, models, sent, settings, {
        requestHash,
        plannedTokens,
        estimatedInputTokens: ledger?.inputTokens,
      });
    },
  );
  return value.response;
}

/** The call itself: cache or policy, then usage, cost, quota settlement and events. */
async function invoke(
  scope: EffectScope,
  key: string,
  models: readonly ChatModel[],
  request: ChatRequest,
  settings: ModelCallSettings,
  planned: { requestHash: string; plannedTokens: number; estimatedInputTokens: number | undefined },
): Promise<RecordedModelCall> {
  const { runtime, state } = scope.run;
  const { events, clock } = runtime;
  const primary = models[0]!;
  events.emit('llm.call.start', scope.threadId, {
    site: scope.site,
    callId: key,
    model: primary.modelName,
    endpoint: primary.endpoint,
    inputHash: planned.requestHash,
  });
  const started = clock.now();
  let attempts = 1;
  let answeredBy = primary;
  const execute = async () => {
    const result = await runtime.modelPolicy.call({
      models,
      request,
      signal: scope.signal,
      ...(planned.estimatedInputTokens === undefined
        ? {}
        : { estimatedInputTokens: planned.estimatedInputTokens }),
      onToken: events.isObserved('llm.token')
        ? (delta) => events.emit('llm.token', scope.threadId, { callId: key, delta })
        : undefined,
      onRetry: (info) =>
        events.emit('llm.call.retry', scope.threadId, { site: scope.site, callId: key, ...info }),
    });
    attempts = result.attempts;
    answeredBy = result.model;
    return result.response;
  };
  try {
    const { response, hit } = runtime.cache
      ? await runtime.cache.call({
          model: primary.endpoint,
          request,
          cache: settings.cache ?? true,
          ...(settings.toolEffects ? { toolEffects: settings.toolEffects } : {}),
          execute,
        })
      : { response: await execute(), hit: false };
    const { usage } = response;
    const costUsd = hit ? 0 : costOfUsage(usage, resolvePricing(answeredBy, runtime.prices));
    if (!hit) {
      state.usage.modelCalls++;
      state.usage.inputTokens += usage.inputTokens;
      state.usage.outputTokens += usage.outputTokens;
      state.usage.costUsd += costUsd;
    }
    const { tenantId } = state;
    if (runtime.quota && tenantId !== undefined) {
      await runtime.quota.settle(tenantId, {
        estimatedTokens: planned.plannedTokens,
        actualTokens: hit ? 0 : usage.inputTokens + usage.outputTokens,
      });
    }
    await runtime.costLedger?.record({
      threadId: scope.threadId,
      ...(tenantId === undefined ? {} : { tenantId }),
      callId: key,
      model: answeredBy.modelName,
      usage,
      costUsd,
      cached: hit,
      at: clock.now(),
    });
    events.emit('llm.call.end', scope.threadId, {
      site: scope.site,
      callId: key,
      model: answeredBy.modelName,
      usage,
      latencyMs: clock.now() - started,
      costUsd,
      finishReason: response.finishReason,
      cached: hit,
      retries: attempts - 1,
    });
    return { response, model: answeredBy.modelName, attempts, costUsd, cached: hit };
  } catch (error) {
    events.emit('llm.call.error', scope.threadId, {
      site: scope.site,
      callId: key,
      model: primary.modelName,
      error: serializeError(error),
    });
    throw error;
  }
}

/** Each message's hash, computed once: a tool loop sends the same message objects again and again. */
const messageHashes = new WeakMap<ChatMessage, string>();

/**
 * A short hash of what is sent: per-message hashes (memoised) chained with the rest of the
 * request, so a growing conversation costs O(new messages) per call, not O(history). One-shot
 * `hash()` calls, not `createHash` objects: the same digests at about half the cost.
 */
function hashRequest({ messages, ...rest }: ChatRequest): string {
  // sha256 over the rest's JSON followed by each message's hash, as one text.
  let chained = JSON.stringify(rest);
  for (const message of messages) {
    let messageHash = messageHashes.get(message);
    if (messageHash === undefined) {
      messageHash = hash('sha256', JSON.stringify(message), 'base64');
      messageHashes.set(message, messageHash);
    }
    chained += messageHash;
  }
  return hash('sha256', chained, 'hex').slice(0, 16);
}
