import type { SerializedError } from '@agentchart/core';
import type { RunnableConfig } from '@langchain/core/runnables';
import type { BaseCheckpointSaver, CommandInstance, StateSnapshot } from '@langchain/langgraph';
import type { z } from 'zod';

/**
 * What `langGraphActor` needs of a compiled LangGraph graph: `invoke`, `getState` and its
 * checkpointer. Any `new StateGraph(...).compile()` result fits.
 */
export interface CompiledLangGraph {
  invoke(input: any, options?: Partial<RunnableConfig>): Promise<any>;
  getState(config: RunnableConfig): Promise<StateSnapshot>;
  checkpointer?: BaseCheckpointSaver | boolean | undefined;
}

/** The input a compiled graph's `invoke` takes, commands and `null` left out. */
export type GraphInputFrom<TGraph extends CompiledLangGraph> = Exclude<
  Parameters<TGraph['invoke']>[0],
  CommandInstance | null | undefined
>;

/** Options of `langGraphActor`. */
export interface LangGraphActorOptions<
  TGraph extends CompiledLangGraph,
  TInput extends z.ZodType | undefined,
  TOutput extends z.ZodType | undefined,
  TReply extends z.ZodType | undefined,
> {
  /** The compiled graph. Compile it with a checkpointer for interrupts and mid-graph resume. */
  graph: TGraph;
  /** Names the graph in the journal, events and errors. */
  name: string;
  /** Checks the actor's input before the graph runs; without it the input goes in as is. */
  input?: TInput | undefined;
  /**
   * Checks the graph's final state (as JSON: see the ADR on LangGraph interop) before the
   * chart sees it; the invoke's output is its parsed value. Without it the output is `unknown`.
   */
  output?: TOutput | undefined;
  /**
   * The shape of a reply to one of the graph's `interrupt()` calls; a reply that does not fit
   * is refused with `human.invalid_reply` and the wait stays open. Without it any value goes.
   */
  reply?: TReply | undefined;
  /** The prompt a person sees for an interrupt; by default its value, as text. */
  prompt?: ((interruptValue: unknown) => string) | undefined;
  /** LangGraph's recursion limit (super-steps per invocation); LangGraph's default when left out. */
  recursionLimit?: number | undefined;
}

/** The actor's input type: the `input` schema's, or else the graph's own. */
export type LangGraphActorInput<
  TGraph extends CompiledLangGraph,
  TInput extends z.ZodType | undefined,
> = TInput extends z.ZodType ? z.input<TInput> : GraphInputFrom<TGraph>;

/** The actor's output type: the `output` schema's, or `unknown` without one. */
export type LangGraphActorOutput<TOutput extends z.ZodType | undefined> = TOutput extends z.ZodType
  ? z.output<TOutput>
  : unknown;

/** What the graph's LangChain model calls used, as LangChain's callbacks reported it. */
export interface GraphUsage {
  modelCalls: number;
  inputTokens: number;
  outputTokens: number;
}

/** One of the graph's pending `interrupt()` calls. */
export interface PendingInterrupt {
  /** LangGraph's interrupt id: the key of its reply in the resume command. */
  id: string | undefined;
  value: unknown;
}

/**
 * One journaled invocation of the graph: it finished with `values`, stopped at `interrupts`
 * that wait for a person, or failed with `error` (a `LangGraphError` as JSON, which the
 * chart's `onError` gets). `usage` is folded into the run's usage, a failed invocation's too:
 * its models answered, and were paid, before the graph failed.
 */
export type GraphStep =
  | { status: 'done'; values: unknown; usage: GraphUsage }
  | { status: 'interrupted'; interrupts: PendingInterrupt[]; usage: GraphUsage }
  | { status: 'failed'; error: SerializedError; usage: GraphUsage };
