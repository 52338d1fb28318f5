import type { TokenCounter } from '../budget/token-counter';
import type { ContextBudgetOptions } from '../budget/types';
import type { ResponseCache } from '../cache/create-response-cache';
import type { CostLedger } from '../cost/cost-ledger';
import type { PriceTable } from '../cost/resolve-pricing';
import type { ChatModel } from '../model/types';
import type { ModelCallPolicy } from '../reliability/types';
import type { Redactor } from '../security/create-redactor';
import type { TenantQuota } from '../tenancy/types';
import { accountingStep } from './accounting-step';
import { budgetStep } from './budget-step';
import { cacheIdentities } from './cache-identities';
import { cacheStep } from './cache-step';
import { composePipeline } from './compose-pipeline';
import { fenceUntrustedStep } from './fence-untrusted-step';
import { forgetBlockedAnswers } from './forget-blocked-answers';
import { journalStep } from './journal-step';
import { keepPaidAnswer } from './keep-paid-answer';
import { limitsStep } from './limits-step';
import { policyCall } from './policy-call';
import { telemetryStep } from './telemetry-step';
import type { ModelCallMiddleware, ModelCallPipeline } from './types';

/** What {@link createModelCallPipeline} builds the chain from: the agent's services. */
export interface ModelCallPipelineOptions {
  policy: ModelCallPolicy;
  tokenCounterFor(model: ChatModel): TokenCounter;
  budget: ContextBudgetOptions | undefined;
  summariserModel: string | undefined;
  prices: PriceTable | undefined;
  quota: TenantQuota | undefined;
  costLedger: CostLedger | undefined;
  cache: ResponseCache | undefined;
  /** The agent's models by alias, primary first: the cache tells apart two that share an endpoint. */
  models: ReadonlyMap<string, readonly ChatModel[]>;
  /** The user's middleware, run between the run's accounting and the response cache. */
  middleware: readonly ModelCallMiddleware[];
  /**
   * Fence tool output and untrusted messages as data, with a note to the model (default);
   * `false` sends them as they are (the run still counts them as untrusted content seen).
   */
  fenceUntrusted?: boolean;
  /** The agent's redactor: the journal hashes requests as they may be stored. */
  redactor: Redactor;
}

/**
 * The one path of a model call, each concern its own step:
 *
 * untrusted-content fences → budget → journal → limits & quota → telemetry → accounting →
 * (an answer blocked above the cache is dropped from it) → user middleware (guards; one that
 * throws over a paid answer blocks it) → response cache →
 * reliability policy → the model's adapter.
 *
 * Fences come first, so the budget counts the request as it is sent. The journal step encloses
 * everything that must not happen twice: on resume a recorded outcome returns before limits,
 * cache or policy are consulted. Telemetry and accounting
 * wrap the cache and the policy so they see the final outcome — one logical call, its cost,
 * its retries — not each attempt.
 */
export function createModelCallPipeline(options: ModelCallPipelineOptions): ModelCallPipeline {
  const { policy, prices, quota, costLedger, cache, models, middleware, redactor } = options;
  // Only a middleware can block an answer: without one, no call pays for the step.
  const forgetting = cache && middleware.length > 0 ? forgetBlockedAnswers(cache) : undefined;
  return composePipeline(
    [
      fenceUntrustedStep({ redactor, fence: options.fenceUntrusted !== false }),
      budgetStep(options),
      journalStep({ redactor, costLedger }),
      limitsStep({ prices, quota }),
      telemetryStep(),
      accountingStep({ prices, quota }),
      // An answer a middleware blocks is not kept by the cache below it.
      ...(forgetting ? [forgetting.step] : []),
      // A middleware that throws over a paid answer must not lose its record (ADR 0109).
      ...middleware.map(keepPaidAnswer),
      ...(cache ? [cacheStep(cache, policy, cacheIdentities(models), forgetting?.stored)] : []),
    ],
    policyCall(policy),
  );
}
