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
  HumanReplyEvent,
  LimitInfo,
  PendingHumanWait,
  RunHandle,
  RunLimits,
  RunOutcome,
  RunOutcomeFrom,
  StartOptions,
} from './agent/types';
export {
  type Clock,
  type IdGenerator,
  type Random,
  randomId,
  sleep,
  systemClock,
  systemRandom,
} from './clock/clock';
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
export { CheckpointError, type CheckpointErrorCode } from './journal/checkpoint-error';
export { MemoryCheckpointer } from './journal/memory-checkpointer';
export type {
  Checkpoint,
  Checkpointer,
  EffectKind,
  JournalEntry,
  RunState,
  RunStatus,
  RunUsage,
} from './journal/types';
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
