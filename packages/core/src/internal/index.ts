/**
 * @module @agentchart/core/internal
 * For authors of model adapters, stores and effects — not for writing agents. What is here
 * may change between minor versions.
 */
export { type AgentFactory, type HostedAgentOptions, isAgentFactory } from '../agent/agent-factory';
export { currentReplySchema, type WaitSite } from '../agent/current-reply-schema';
export { machineVersionOf, versionWithoutChildMachines } from '../agent/inspect-machine';
export type { CallsModels, ModelAliasesOf, ModelsFor } from '../agent/model-aliases';
export type { ThreadTenantCheck } from '../agent/thread-tenant';
export type { CancelOptions, CloseOptions, ResumeOptions, SendOptions } from '../agent/types';
export {
  type Clock,
  type IdGenerator,
  type Random,
  randomId,
  sleep,
  systemClock,
  systemRandom,
  timeOrderedIds,
} from '../clock/clock';
export type { AgentActorOptions } from '../effects/agent-actor';
export { createEffectLogic, effectSpecOf } from '../effects/create-effect-logic';
export type { EffectScope } from '../effects/effect-scope';
export type { HumanWaitOptions } from '../effects/human-wait';
export type { PromptFunction, SystemPrompt } from '../effects/prompt';
export { RecordedEffectError } from '../effects/recorded-effect-error';
export type { StructuredCallOptions } from '../effects/structured-call';
export type { ToolLoopOptions, ToolLoopResult } from '../effects/tool-loop';
export type { EffectLogicKind, EffectSpec } from '../effects/types';
export {
  type AgentchartErrorOptions,
  type SerializedError,
  serializeError,
} from '../errors/agentchart-error';
export type { DefinitionErrorCode } from '../errors/definition-error';
export {
  checkOptionNames,
  closestName,
  definedOptions,
  describeValue,
  optionNamesOf,
} from '../errors/option-names';
export type { RunErrorCode, RunErrorOptions } from '../errors/run-error';
export { runEventTypes } from '../events/run-event-types';
export { RunEvents } from '../events/run-events';
export type { RunEventBase, RunEventListener, RunEventPayloads } from '../events/types';
export { capJournalValue, type OmittedValue } from '../ledger/cap-journal-value';
export { addRecordUsage, emptyUsage, usageFromJournal } from '../ledger/fold-usage';
export type { RecordedModelCall } from '../ledger/recorded-model-call';
export type { ReplayErrorCode } from '../ledger/replay-error';
export type { EffectKind, JournalEntry, JournaledStep, LateToolResult } from '../ledger/types';
export {
  isRetryableModelErrorKind,
  type ModelCallErrorOptions,
  type ModelErrorKind,
} from '../model/model-call-error';
export { type HeaderSource, parseRetryAfter } from '../model/parse-retry-after';
export type {
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
} from '../model/types';
export { type ExtractJsonResult, extractJson } from '../output/extract-json';
export type {
  ModelCall,
  ModelCallNext,
  ModelCallOutcome,
  ModelCallPipeline,
  ModelCallRun,
  ModelCallScope,
  ModelCallSettings,
  TokenSink,
} from '../pipeline/types';
export type { PromptOptions, PromptRef } from '../prompt/define-prompt';
export { maxTimerMs, validateNumberOption } from '../reliability/validate-option';
export { childWaitId } from '../run/child-thread-id';
export { effectStillRuns } from '../run/effect-still-runs';
export { type RunPhase, runTransitions } from '../run/run-lifecycle';
export type { EndStatus, WrapUpGrace } from '../run/types';
export {
  type EffectLogColumn,
  effectLogChangingColumns,
  effectLogColumns,
  effectLogRowFromColumns,
  effectLogValues,
  runSummaryFromColumns,
} from '../run-log/effect-log-columns';
export { effectLogRowOf } from '../run-log/effect-log-row';
export {
  filterEffectLog,
  summariseCostRows,
  summariseRuns,
  type ThreadHead,
  utcDay,
} from '../run-log/summarise-rows';
export type { CheckpointErrorCode } from '../store/checkpoint-error';
export { conflictMessage, fencedMessage } from '../store/conflict-messages';
export {
  type ErasedRows,
  type EraseSteps,
  eraseInBatches,
  isDescendantThread,
  liveLeaseError,
} from '../store/erase-in-batches';
export { assertLeaseOptions } from '../store/lease-options';
export { listTenantThreadsInPages, type TenantScanSteps } from '../store/list-tenant-threads';
export { checkListDueOptions, checkListThreadsOptions } from '../store/list-threads-options';
export type { MemoryCheckpointerOptions } from '../store/memory-checkpointer';
export {
  isKeptForItsParent,
  type PrunableThread,
  type PruneSteps,
  pruneInBatches,
} from '../store/prune-in-batches';
export type { SqliteCheckpointerOptions } from '../store/sqlite-checkpointer';
export type { SqliteSynchronous } from '../store/sqlite-database';
export type { StorageErrorCode } from '../store/storage-error';
export type {
  AcquireLeaseOptions,
  Checkpoint,
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
} from '../store/types';
export { headOf, sliceWhole } from '../text/whole-characters';
export { toJsonSchema } from '../tools/to-json-schema';
export type {
  ReconcileResult,
  ToolExecuteContext,
  ToolInputFrom,
  ToolOptions,
  ToolOutputFrom,
} from '../tools/types';
