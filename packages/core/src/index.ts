/**
 * @module @agentchart/core
 * Agents as XState statecharts: effect actors for model calls, tools, human waits and child
 * agents, with typed contracts, one model-call pipeline, an effect journal, checkpoints and
 * leases. What a user writes agents with; the rest lives in subpaths — `/budget`, `/cache`,
 * `/reliability`, `/cascade`, `/cost`, `/run-log` (the run log), `/security` (approvals,
 * guards, redaction), `/testing` — and, for adapter and store authors, `/internal`.
 */
export { agentFactory } from './agent/agent-factory';
export { createAgent } from './agent/create-agent';
export type {
  Agent,
  AgentOptions,
  HumanReplyEvent,
  RunHandle,
  RunOutcomeFrom,
  StartOptions,
} from './agent/types';
export { type AgentResult, agentActor } from './effects/agent-actor';
export { humanWait } from './effects/human-wait';
export { structuredCall } from './effects/structured-call';
export { toolCall } from './effects/tool-call';
export { toolLoop } from './effects/tool-loop';
export { AgentchartError } from './errors/agentchart-error';
export { DefinitionError } from './errors/definition-error';
export { RunError } from './errors/run-error';
export type { RunEvent, RunEventType } from './events/types';
export { ReplayError } from './ledger/replay-error';
export type { RunUsage } from './ledger/types';
export { ModelCallError } from './model/model-call-error';
export type { ChatMessage, ChatModel } from './model/types';
export type { ModelCallMiddleware } from './pipeline/types';
export { definePrompt, type Prompt } from './prompt/define-prompt';
export type { LimitInfo, PendingHumanWait, RunLimits, RunOutcome } from './run/types';
export { CheckpointError } from './store/checkpoint-error';
export { MemoryCheckpointer } from './store/memory-checkpointer';
export { SqliteCheckpointer } from './store/sqlite-checkpointer';
export { StorageError } from './store/storage-error';
export type { Checkpointer } from './store/types';
export { defineTool } from './tools/define-tool';
export type { AnyTool, Tool, ToolEffect } from './tools/types';
