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
export type { Clock, IdGenerator } from './clock/clock';
export {
  type AgentActorOptions,
  type AgentResult,
  agentActor,
  type InputSchemaFits,
  type OutputSchemaFits,
} from './effects/agent-actor';
export { type HumanWaitOptions, humanWait } from './effects/human-wait';
export type { PromptFunction, SystemPrompt } from './effects/prompt';
export { type StructuredCallOptions, structuredCall } from './effects/structured-call';
export { toolCall } from './effects/tool-call';
export { type ToolLoopOptions, type ToolLoopResult, toolLoop } from './effects/tool-loop';
export {
  AgentchartError,
  type AgentchartErrorOptions,
  type SerializedError,
} from './errors/agentchart-error';
export { DefinitionError, type DefinitionErrorCode } from './errors/definition-error';
export { RunError, type RunErrorCode, type RunErrorOptions } from './errors/run-error';
export { RunEvents, type RunEventsOptions } from './events/run-events';
export type {
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
export type { NextModelCall } from './run/run-limits';
export type {
  EndStatus,
  LimitInfo,
  PendingHumanWait,
  RunLimits,
  RunOutcome,
  WrapUpGrace,
} from './run/types';
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
export { defineTool } from './tools/define-tool';
export type {
  AnyTool,
  DefaultedToolOption,
  ReconcileResult,
  Tool,
  ToolEffect,
  ToolExecuteContext,
  ToolOptions,
} from './tools/types';
