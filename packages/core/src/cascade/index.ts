/**
 * @module @agentchart/core/cascade
 * Cheap-model-first cascades that escalate on low confidence or invalid output, and the
 * router → generator → verifier pattern.
 */
export { type CascadeCallOptions, cascadeCall } from './cascade-call';
export {
  parseStructuredOutput,
  type StructuredOutputFailure,
  type StructuredOutputResult,
} from './parse-structured-output';
export {
  type GeneratorRoute,
  type RouteGenerateVerifyOptions,
  type RouteGenerateVerifyResult,
  routeGenerateVerify,
  type Verdict,
  verdictSchema,
} from './route-generate-verify';
export {
  type CascadeResult,
  type Escalation,
  type RunCascadeOptions,
  runCascade,
} from './run-cascade';
