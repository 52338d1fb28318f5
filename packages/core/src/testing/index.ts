/**
 * @module @agentchart/core/testing
 * Test doubles: a deterministic scripted model and a manual clock.
 */
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
