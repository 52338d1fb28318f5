/**
 * @module @agentchart/core
 * Agents as XState statecharts: effect actors for model calls, tools, human waits and child
 * agents, with typed contracts, one model-call pipeline, an effect journal, checkpoints and
 * leases. What a user writes agents with; the rest lives in subpaths — `/budget`, `/cache`,
 * `/reliability`, `/cascade`, `/cost`, `/run-log` (the run log), `/security` (approvals,
 * guards, redaction), `/testing` — and, for adapter and store authors, `/internal`.
 */

export { type AgentFactory, agentFactory, type HostedAgentOptions } from './agent/agent-factory';
export { createAgent } from './agent/create-agent';
export type {
  CallsModels,
  ModelAliasesOf,
  ModelAliasesOfLogic,
  ModelOrChain,
  ModelsFor,
  ModelsOptionFor,
} from './agent/model-aliases';
export type { ThreadTenantCheck } from './agent/thread-tenant';
export type {
  Agent,
  AgentOptions,
  AgentSettings,
  CancelOptions,
  CloseOptions,
  ForkOptions,
  HumanReplyEvent,
  MigrateCheckpoint,
  MigrationVersions,
  ReplayOptions,
  ResumeOptions,
  RunHandle,
  RunOutcomeFrom,
  SendOptions,
  StartOptions,
} from './agent/types';
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
export type {
  CachedCallOptions,
  CachedCallResult,
  ResponseCache,
} from './cache/create-response-cache';
export type { CacheMetrics } from './cache/types';
export type { Clock, IdGenerator } from './clock/clock';
export type {
  CostEntry,
  CostFilter,
  CostGroupKey,
  CostLedger,
  CostSummary,
} from './cost/cost-ledger';
export type { PriceTable } from './cost/resolve-pricing';
export {
  type AgentActorOptions,
  type AgentResult,
  agentActor,
  type InputSchemaFits,
  type OutputSchemaFits,
} from './effects/agent-actor';
export type { ApprovalOptions } from './effects/ask-approval';
export { type HumanWaitOptions, humanWait } from './effects/human-wait';
export type { PromptFunction, SystemPrompt } from './effects/prompt';
export type { ToolLoopApprovals } from './effects/run-tool-calls';
export { type StructuredCallOptions, structuredCall } from './effects/structured-call';
export { type GrantedToolCallInput, type ToolCallOptions, toolCall } from './effects/tool-call';
export { type ToolLoopOptions, type ToolLoopResult, toolLoop } from './effects/tool-loop';
export type { ApprovalGrant } from './effects/use-approval-grant';
export {
  AgentchartError,
  type AgentchartErrorOptions,
  type SerializedError,
} from './errors/agentchart-error';
export { DefinitionError, type DefinitionErrorCode } from './errors/definition-error';
export { RunError, type RunErrorCode, type RunErrorOptions } from './errors/run-error';
export { RunEvents, type RunEventsOptions } from './events/run-events';
export type {
  ApprovalReason,
  ReplyTarget,
  RunEvent,
  RunEventBase,
  RunEventListener,
  RunEventPayloads,
  RunEventType,
} from './events/types';
export type { LastRecordedRequest } from './ledger/recorded-messages';
export type { RecordedModelCall } from './ledger/recorded-model-call';
export { ReplayError, type ReplayErrorCode } from './ledger/replay-error';
export type { EffectKind, JournalEntry, JournaledStep, LiveUsage, RunUsage } from './ledger/types';
export {
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
export type { SummaryCoverage } from './pipeline/summary-coverage';
export type {
  ModelCall,
  ModelCallMiddleware,
  ModelCallNext,
  ModelCallOutcome,
  ModelCallRun,
  ModelCallScope,
  ModelCallSettings,
  TokenSink,
} from './pipeline/types';
export {
  definePrompt,
  type Prompt,
  type PromptOptions,
  type PromptRef,
} from './prompt/define-prompt';
export type {
  CircuitState,
  ModelCallOptions,
  ModelCallPolicy,
  ModelCallResult,
  ModelRetryInfo,
} from './reliability/types';
export type { NextModelCall } from './run/run-limits';
export type {
  EndStatus,
  LimitInfo,
  PendingApproval,
  PendingHumanWait,
  RunLimits,
  RunOutcome,
  WrapUpGrace,
} from './run/types';
export type { EffectLogFilter, EffectLogRow, RunFilter, RunLog, RunSummary } from './run-log/types';
export type { RedactionOptions, Redactor } from './security/create-redactor';
export type { PiiPatternName, RedactionPattern } from './security/pii-patterns';
export { CheckpointError, type CheckpointErrorCode } from './store/checkpoint-error';
export { MemoryCheckpointer, type MemoryCheckpointerOptions } from './store/memory-checkpointer';
export { SqliteCheckpointer, type SqliteCheckpointerOptions } from './store/sqlite-checkpointer';
export type { SqliteSynchronous } from './store/sqlite-database';
export { StorageError, type StorageErrorCode } from './store/storage-error';
export type {
  AcquireLeaseOptions,
  Checkpoint,
  Checkpointer,
  CheckpointSummary,
  CheckpointWriteResult,
  DueThread,
  EraseOptions,
  EraseResult,
  HistorySummaryRef,
  LeaseChange,
  LeaseToRenew,
  ListDueOptions,
  ListTenantThreadsOptions,
  ListThreadsOptions,
  PendingDelayedEvent,
  PruneOptions,
  PruneResult,
  PutEffectOptions,
  RenewLeaseOptions,
  RenewLeasesOptions,
  RunState,
  RunStatus,
  StoredThread,
  ThreadLease,
} from './store/types';
export type {
  QuotaDecision,
  TenantLimitName,
  TenantLimits,
  TenantQuota,
  TenantUsage,
} from './tenancy/types';
export { defineTool } from './tools/define-tool';
export type {
  AnyTool,
  DefaultedToolOption,
  ReconcileResult,
  Tool,
  ToolApproval,
  ToolEffect,
  ToolExecuteContext,
  ToolOptions,
} from './tools/types';
