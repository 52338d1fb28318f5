/**
 * @module @agentchart/core/testing
 * Test doubles and helpers: a deterministic scripted model, a manual clock, one effect run in
 * a minimal agent, every path of an agent's statechart run on scripted models, the
 * conformance suite every checkpointer passes, and one for a model adapter of your own.
 */

/** What a {@link ScriptedHandler} reads: the request the scripted model was sent. */
export type {
  AgentPathReport,
  AgentPathResult,
  EffectPathOptions,
  PathFailure,
  ScriptedPathOutcome,
  TestAgentPathsOptions,
} from './agent-path-types';
export {
  type CheckpointerConformanceOptions,
  type ConformanceCase,
  checkpointerConformance,
} from './checkpointer-conformance';
export { type ManualClock, manualClock } from './manual-clock';
export type {
  ProviderAnswerReply,
  ProviderErrorReply,
  ProviderFault,
  ProviderFeature,
  ProviderReply,
  ProviderToolCall,
  ProviderWireReply,
} from './model-adapter/provider-reply';
export {
  type ModelAdapterConformanceOptions,
  modelAdapterConformance,
} from './model-adapter-conformance';
export type { RunEffectOptionsArgument } from './run-effect';
export { type RunEffectOptions, runEffect } from './run-effect';
export {
  type ScriptedHandler,
  type ScriptedModel,
  type ScriptedModelOptions,
  type ScriptedResponse,
  type ScriptedToolCall,
  scriptedModel,
} from './scripted-model';
export { testAgentPaths } from './test-agent-paths';
