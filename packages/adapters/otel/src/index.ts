/**
 * @module @agentchart/otel
 * OpenTelemetry for agentchart: spans and metrics of every run, with the GenAI semantic
 * conventions, through `@opentelemetry/api` only.
 */
export { Agentchart, GenAi, Operation } from './attributes';
export {
  type InstrumentAgentOptions,
  instrumentAgent,
  instrumentationName,
} from './instrument-agent';
