/**
 * @module @agentchart/core
 * Agents as XState statecharts: effect actors for model calls, tools and human waits, with
 * typed contracts, one reliability policy, an effect journal and checkpoints.
 */
export { createAgent } from './agent/create-agent';
export { machineVersionOf } from './agent/inspect-machine';
export type {
  Agent,
  AgentOptions,
  ForkOptions,
  HumanReplyEvent,
  LimitInfo,
  MigrateCheckpoint,
  PendingHumanWait,
  ReplayOptions,
  RunHandle,
  RunLimits,
  RunOutcome,
  RunOutcomeFrom,
  StartOptions,
} from './agent/types';
export {
  type ApplyContextBudgetOptions,
  applyContextBudget,
  type BudgetedRequest,
  type Summarise,
} from './budget/apply-context-budget';
export { BudgetError, type BudgetErrorDetails, type SectionSize } from './budget/budget-error';
export { type BuildContextOptions, buildContext, type ContextBlock } from './budget/build-context';
export {
  type CapToolOutputOptions,
  type CapToolOutputResult,
  capToolOutput,
} from './budget/cap-tool-output';
export { type ContextFromRequestOptions, contextFromRequest } from './budget/context-from-request';
export { createSummariser, type SummariserOptions, transcriptOf } from './budget/create-summariser';
export {
  createTokenCounter,
  estimateTokenCounter,
  type TokenCounterOptions,
} from './budget/create-token-counter';
export { type CutMiddleOptions, cutMiddle } from './budget/cut-middle';
export { estimateTextTokens } from './budget/estimate-text-tokens';
export { groupTurns } from './budget/group-turns';
export { placeAtEdges } from './budget/place-at-edges';
export {
  type CompressingContextPlan,
  type ContextPlan,
  defaultContextStrategies,
  type FittingContextPlan,
  type PlanContextOptions,
  planContext,
} from './budget/plan-context';
export { renderSchemaType, renderToolsForCounting } from './budget/render-tools-for-counting';
export { defaultSectionPolicies } from './budget/section-policies';
export type { CountToolsOptions, TokenCounter } from './budget/token-counter';
export type {
  BudgetLedger,
  ContextBudgetOptions,
  ContextInput,
  ContextItem,
  ContextSectionName,
  ContextStrategy,
  MessageSectionName,
  SectionPolicy,
  SectionTokens,
  TrimRecord,
} from './budget/types';
export { type WithContextBudgetOptions, withContextBudget } from './budget/with-context-budget';
export { type CacheableVerdict, cacheableResponse } from './cache/cacheable-response';
export { canonicalJson } from './cache/canonical-json';
export {
  type CachedCallOptions,
  type CachedCallResult,
  createResponseCache,
  type ResponseCache,
  type ResponseCacheOptions,
} from './cache/create-response-cache';
export {
  MemoryResponseCacheStore,
  type MemoryResponseCacheStoreOptions,
} from './cache/memory-response-cache-store';
export { requestCacheKey } from './cache/request-cache-key';
export {
  SqliteResponseCacheStore,
  type SqliteResponseCacheStoreOptions,
} from './cache/sqlite-response-cache-store';
export type { CacheEntry, CacheMetrics, ResponseCacheStore } from './cache/types';
export { type CascadeCallOptions, cascadeCall } from './cascade/cascade-call';
export {
  parseStructuredOutput,
  type StructuredOutputResult,
} from './cascade/parse-structured-output';
export {
  type GeneratorRoute,
  type RouteGenerateVerifyOptions,
  type RouteGenerateVerifyResult,
  routeGenerateVerify,
  type Verdict,
  verdictSchema,
} from './cascade/route-generate-verify';
export {
  type CascadeResult,
  type Escalation,
  type RunCascadeOptions,
  runCascade,
} from './cascade/run-cascade';
export {
  type Clock,
  type IdGenerator,
  type Random,
  randomId,
  sleep,
  systemClock,
  systemRandom,
} from './clock/clock';
export type { CostEntry, CostFilter, CostLedger, CostSummary } from './cost/cost-ledger';
export { costOfUsage } from './cost/cost-of-usage';
export { MemoryCostLedger } from './cost/memory-cost-ledger';
export { type NextCall, projectedLimit } from './cost/projected-limit';
export { type PriceTable, resolvePricing } from './cost/resolve-pricing';
export {
  type AgentActorOptions,
  type AgentResult,
  agentActor,
} from './effects/agent-actor';
export { createEffectLogic, effectSpecOf } from './effects/create-effect-logic';
export type { EffectScope } from './effects/effect-scope';
export { type HumanWaitOptions, humanWait } from './effects/human-wait';
export type { PromptFunction, SystemPrompt } from './effects/prompt';
export { RecordedEffectError } from './effects/recorded-effect-error';
export { type StructuredCallOptions, structuredCall } from './effects/structured-call';
export { toolCall } from './effects/tool-call';
export { type ToolLoopOptions, type ToolLoopResult, toolLoop } from './effects/tool-loop';
export type { EffectLogicKind, EffectSpec } from './effects/types';
export {
  AgentchartError,
  type AgentchartErrorOptions,
  type SerializedError,
  serializeError,
} from './errors/agentchart-error';
export { DefinitionError, type DefinitionErrorCode } from './errors/definition-error';
export { RunError, type RunErrorCode, type RunErrorOptions } from './errors/run-error';
export { RunEvents } from './events/run-events';
export type {
  RunEvent,
  RunEventBase,
  RunEventListener,
  RunEventPayloads,
  RunEventType,
} from './events/types';
export { ReplayError, type ReplayErrorCode } from './ledger/replay-error';
export {
  isRetryableModelErrorKind,
  ModelCallError,
  type ModelCallErrorOptions,
  type ModelErrorKind,
} from './model/model-call-error';
export type {
  ChatMessage,
  ChatModel,
  ChatRequest,
  ChatResponse,
  FinishReason,
  GenerateOptions,
  ModelMetadata,
  ModelPricing,
  ResponseFormat,
  ToolCallRequest,
  ToolDefinition,
  Usage,
} from './model/types';
export { type ExtractJsonResult, extractJson } from './output/extract-json';
export { createReliabilityPolicy } from './reliability/create-reliability-policy';
export {
  type CircuitBreakerOptions,
  type CircuitState,
  type EndpointStatus,
  type ModelCallOptions,
  type ModelCallPolicy,
  type ModelCallResult,
  type ModelRetryInfo,
  type RateLimitOptions,
  type ReliabilityEvent,
  type ReliabilityEventListener,
  type ReliabilityEventPayloads,
  type ReliabilityEventType,
  type ReliabilityPolicy,
  type ReliabilityPolicyOptions,
  type RetryBudgetOptions,
  singleAttemptPolicy,
} from './reliability/types';
export { CheckpointError, type CheckpointErrorCode } from './store/checkpoint-error';
export { conflictMessage, fencedMessage } from './store/conflict-messages';
export { MemoryCheckpointer, type MemoryCheckpointerOptions } from './store/memory-checkpointer';
export {
  SqliteCheckpointer,
  type SqliteCheckpointerOptions,
  type StoredThread,
} from './store/sqlite-checkpointer';
export type { SqliteSynchronous } from './store/sqlite-database';
export type {
  Checkpoint,
  Checkpointer,
  CheckpointSummary,
  CheckpointWriteResult,
  EffectKind,
  JournalEntry,
  PendingDelayedEvent,
  PutEffectOptions,
  RunState,
  RunStatus,
  RunUsage,
} from './store/types';
export { createTenantQuota, type TenantQuotaOptions } from './tenancy/create-tenant-quota';
export { MemoryQuotaStore } from './tenancy/memory-quota-store';
export type {
  QuotaDecision,
  QuotaStore,
  TenantLimitName,
  TenantLimits,
  TenantQuota,
  TenantUsage,
} from './tenancy/types';
export { defineTool } from './tools/define-tool';
export { toJsonSchema } from './tools/to-json-schema';
export type {
  AnyTool,
  ReconcileResult,
  Tool,
  ToolEffect,
  ToolExecuteContext,
  ToolInputFrom,
  ToolOptions,
  ToolOutputFrom,
} from './tools/types';
