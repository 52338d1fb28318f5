/**
 * @module @agentchart/core/testing
 * Test doubles (a deterministic scripted model, a manual clock) and the conformance suite
 * every checkpointer passes.
 */

export {
  type CheckpointerConformanceOptions,
  type ConformanceCase,
  checkpointerConformance,
} from './checkpointer-conformance';
export { type ManualClock, manualClock } from './manual-clock';
export { runEffect } from './run-effect';
export {
  type ScriptedHandler,
  type ScriptedModel,
  type ScriptedModelOptions,
  type ScriptedResponse,
  type ScriptedToolCall,
  scriptedModel,
} from './scripted-model';
