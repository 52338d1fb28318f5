/**
 * @module @agentchart/langgraph
 * A compiled LangGraph graph as an actor of an agentchart statechart: journaled, checked by
 * zod, aborted when its state is left, its interrupts turned into durable human waits. A
 * LangGraph app moves to agentchart one node at a time.
 */

export { langGraphActor } from './lang-graph-actor';
export {
  LangGraphError,
  type LangGraphErrorCode,
  type LangGraphErrorOptions,
} from './lang-graph-error';
export type {
  CompiledLangGraph,
  GraphInputFrom,
  GraphStep,
  GraphUsage,
  LangGraphActorInput,
  LangGraphActorOptions,
  LangGraphActorOutput,
  PendingInterrupt,
} from './types';
