import type { RunnableConfig } from '@langchain/core/runnables';
import { Command, INTERRUPT, isInterrupted, type StateSnapshot } from '@langchain/langgraph';
import { graphUsageCollector } from './graph-usage';
import { LangGraphError } from './lang-graph-error';
import type { CompiledLangGraph, GraphStep, GraphUsage, PendingInterrupt } from './types';
import type { InterruptReply } from './wait-for-replies';

/**
 * How one run of the graph ended, before it is journaled: a failure still holds the
 * `LangGraphError` itself (with its cause), which the journal keeps as JSON.
 */
export type GraphOutcome =
  | Exclude<GraphStep, { status: 'failed' }>
  | { status: 'failed'; error: LangGraphError; usage: GraphUsage };

/** What one step asks of the graph: start with the input, or resume with people's replies. */
export type GraphCall =
  | { kind: 'start'; input: unknown }
  | { kind: 'resume'; replies: readonly InterruptReply[] };

/** Where and how the graph runs. */
export interface GraphStepContext {
  graph: CompiledLangGraph;
  name: string;
  /** The graph's own thread: one per effect occurrence, stable across resumes. */
  threadId: string;
  signal: AbortSignal;
  recursionLimit: number | undefined;
}

/**
 * Runs the graph once, as one journaled step, and reports how it ended. A graph with a
 * checkpointer is asked first what its thread already holds: after a crash mid-graph it
 * continues from its last checkpoint (nodes that finished do not run again), a graph that
 * had already finished returns its output, and a graph found interrupted again (the
 * replies were applied, then it asked something new) reports the new interrupts.
 */
export async function runGraphStep(
  call: GraphCall,
  context: GraphStepContext,
): Promise<GraphOutcome> {
  const { graph, threadId, signal, recursionLimit } = context;
  const { usage, handler } = graphUsageCollector();
  const config: Partial<RunnableConfig> = {
    configurable: { thread_id: threadId },
    signal,
    callbacks: [handler],
    ...(recursionLimit === undefined ? {} : { recursionLimit }),
  };
  const invoke = async (input: unknown) => stepOf(await graph.invoke(input, config), usage);
  try {
    if (!hasCheckpointer(graph)) {
      if (call.kind === 'resume') throw lostThread(context);
      return await invoke(call.input);
    }
    const snapshot = await graph.getState({ configurable: { thread_id: threadId } });
    if (snapshot.createdAt === undefined) {
      if (call.kind === 'resume') throw lostThread(context);
      return await invoke(call.input);
    }
    const pending = pendingInterrupts(snapshot);
    if (pending.length > 0) {
      const answer = call.kind === 'resume' ? resumeFor(pending, call.replies) : undefined;
      if (!answer) return { status: 'interrupted', interrupts: pending, usage };
      return await invoke(new Command({ resume: answer.resume }));
    }
    // Unfinished work continues from the last checkpoint; a finished graph runs nothing and
    // returns its output as it did when it finished: its output channels (LangGraph's `output`
    // annotation), which `snapshot.values` is not — that is the whole state.
    return await invoke(null);
  } catch (error) {
    // A step cut short by its state being left is not the graph's failure: it stays unrecorded.
    if (signal.aborted) throw error;
    // A result, not a throw: a failed step's record would drop what the graph's models used
    // before it failed, and the run's usage would miss calls that were made and paid for.
    const failure = LangGraphError.isInstance(error) ? error : graphFailed(context, error);
    return { status: 'failed', error: failure, usage };
  }
}

/** A graph compiled with a checkpointer of its own (`true` only means "the parent's"). */
function hasCheckpointer(graph: CompiledLangGraph): boolean {
  return typeof graph.checkpointer === 'object' && graph.checkpointer !== null;
}

/** The interrupts the thread's next tasks are stopped at. */
function pendingInterrupts(snapshot: StateSnapshot): PendingInterrupt[] {
  return snapshot.tasks.flatMap((task) =>
    task.interrupts.map((interrupt) => ({ id: interrupt.id, value: asJson(interrupt.value) })),
  );
}

/**
 * The resume value for `pending`, when every pending interrupt has a reply: a map by interrupt
 * id. Undefined when some have none: the graph stopped at interrupts the replies were not for.
 */
function resumeFor(
  pending: readonly PendingInterrupt[],
  replies: readonly InterruptReply[],
): { resume: unknown } | undefined {
  const byId = new Map(replies.map((reply) => [reply.id, reply.value]));
  if (!pending.every((interrupt) => byId.has(interrupt.id))) return undefined;
  // By id even for one interrupt: LangGraph reads a bare `resume` of null or undefined as no
  // resume at all and fails ("Received empty Command input"), while a map by id hands the node
  // the reply as it is. Only an interrupt without an id is resumed with the bare reply.
  const [only] = pending;
  if (pending.length === 1 && only?.id === undefined) return { resume: byId.get(undefined) };
  return {
    resume: Object.fromEntries(pending.map((interrupt) => [interrupt.id, byId.get(interrupt.id)])),
  };
}

/** The graph's return value as a step: interrupted when it carries `__interrupt__`. */
function stepOf(result: unknown, usage: GraphUsage): GraphOutcome {
  if (isInterrupted(result)) {
    const interrupts = result[INTERRUPT].map((interrupt) => ({
      id: interrupt.id,
      value: asJson(interrupt.value),
    }));
    return { status: 'interrupted', interrupts, usage };
  }
  return { status: 'done', values: asJson(result), usage };
}

/**
 * The value as the journal keeps it. A resumed run reads the graph's result back from the
 * journal as JSON, so the live run gets it as JSON too: the chart sees the same value
 * either way (a LangChain message, say, in its serialized form, never a class instance).
 */
function asJson(value: unknown): unknown {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}

function lostThread({ name, threadId }: GraphStepContext): LangGraphError {
  return new LangGraphError('graph.failed', {
    message: `LangGraph graph "${name}" waited for replies to its interrupts, but its checkpointer no longer has thread "${threadId}", so the graph cannot resume. Compile the graph with a durable checkpointer (SqliteSaver, PostgresSaver), not MemorySaver, when a run may resume in another process.`,
    details: { graph: name, threadId },
  });
}

function graphFailed(
  { name, threadId, recursionLimit }: GraphStepContext,
  cause: unknown,
): LangGraphError {
  // LangGraph's messages end with a troubleshooting URL and a line break.
  const reason = (cause instanceof Error ? cause.message : String(cause)).trimEnd();
  const stop = /[.!?]$/.test(reason) ? '' : '.';
  const code = (cause as { lc_error_code?: unknown } | undefined)?.lc_error_code;
  return new LangGraphError('graph.failed', {
    message: `LangGraph graph "${name}" failed on thread "${threadId}": ${reason}${stop} ${adviceFor(code, recursionLimit)}`,
    cause,
    details: { graph: name, threadId, ...(typeof code === 'string' ? { lcErrorCode: code } : {}) },
  });
}

/** What to do about a graph's failure, by LangGraph's error code. */
function adviceFor(code: unknown, recursionLimit: number | undefined): string {
  switch (code) {
    case 'MISSING_CHECKPOINTER':
      return 'A node called interrupt(), which needs a checkpointer: compile the graph with one (.compile({ checkpointer })).';
    case 'GRAPH_RECURSION_LIMIT':
      // LangGraph's advice names its config key, which the actor sets: users set the option.
      return `The graph took more super-steps than langGraphActor's recursionLimit option (${recursionLimit ?? "unset: LangGraph's default"}) allows in one invocation. Raise that option if the graph needs more steps, or give its loop a way to reach END.`;
    default:
      return "The chart's onError decides what follows; the error's cause is LangGraph's own.";
  }
}
