import { createEffectLogic } from '@agentchart/core/internal';
import type { PromiseActorLogic } from 'xstate';
import type { z } from 'zod';
import { checkLangGraphActorOptions } from './check-options';
import { LangGraphError, recordedLangGraphError } from './lang-graph-error';
import { type GraphCall, type GraphStepContext, runGraphStep } from './run-graph-step';
import type {
  CompiledLangGraph,
  GraphStep,
  LangGraphActorInput,
  LangGraphActorOptions,
  LangGraphActorOutput,
} from './types';
import { waitForReplies } from './wait-for-replies';

/**
 * Actor logic that runs a compiled LangGraph graph as one effect of a statechart, so a team
 * can move a LangGraph app to agentchart one node at a time. The invocation is journaled:
 * a resumed run gets the recorded result and the graph does not run again. The graph gets
 * the state's abort signal (leaving the state stops it) and its own LangGraph thread,
 * `<agentchart thread>/<effect key>`, so a graph compiled with a checkpointer continues
 * from its last checkpoint after a crash. Each `interrupt()` in the graph becomes a durable
 * human wait of the run, and the reply resumes the graph. The final state is checked by
 * `output` before the chart sees it; failures reach `onError` as {@link LangGraphError}s.
 *
 * @example
 * ```ts
 * const research = new StateGraph(ResearchState)
 *   .addNode('search', search)
 *   .addNode('summarise', summarise)
 *   .addEdge(START, 'search')
 *   .addEdge('search', 'summarise')
 *   .compile({ checkpointer: SqliteSaver.fromConnString('graphs.db') });
 *
 * setup({
 *   actors: {
 *     research: langGraphActor({
 *       graph: research,
 *       name: 'research',
 *       input: z.object({ topic: z.string() }),
 *       output: z.object({ summary: z.string() }),
 *     }),
 *   },
 * })
 * // invoke: { src: 'research', input: ({ context }) => ({ topic: context.topic }),
 * //           onDone: ..., onError: ... }
 * ```
 */
export function langGraphActor<
  TGraph extends CompiledLangGraph,
  TInput extends z.ZodType | undefined = undefined,
  TOutput extends z.ZodType | undefined = undefined,
  TReply extends z.ZodType | undefined = undefined,
>(
  options: LangGraphActorOptions<TGraph, TInput, TOutput, TReply>,
): PromiseActorLogic<LangGraphActorOutput<TOutput>, LangGraphActorInput<TGraph, TInput>> {
  checkLangGraphActorOptions(options);
  const { graph, name, prompt = promptOf } = options;
  return createEffectLogic(
    // A graph is a child agent as far as the run is concerned: its journal records carry the
    // graph's model usage, which the run's usage folds in.
    { kind: 'agent', modelAliases: [], tools: [], blocksRest: true, schemas: [] },
    async (scope, input: LangGraphActorInput<TGraph, TInput>) => {
      const context: GraphStepContext = {
        graph,
        name,
        threadId: `${scope.threadId}/${scope.key}`,
        signal: scope.signal,
        recursionLimit: options.recursionLimit,
      };
      let call: GraphCall = { kind: 'start', input: checkInput(options.input, input, context) };
      // Each turn is one invocation of the graph; another turn follows only a person's reply.
      for (;;) {
        const current = call;
        // The failure this process saw, cause and all; one read back from the journal is rebuilt.
        let failure: LangGraphError | undefined;
        const { value: step } = await scope.journaled<GraphStep>(
          scope.nextKey('graph'),
          {
            kind: 'agent',
            effect: 'idempotent',
            name,
            input: current.kind === 'start' ? current.input : { replies: current.replies },
          },
          async () => {
            const outcome = await runGraphStep(current, context);
            if (outcome.status !== 'failed') return outcome;
            failure = outcome.error;
            return { ...outcome, error: outcome.error.toJSON() };
          },
        );
        if (step.status === 'failed') throw failure ?? recordedLangGraphError(step.error);
        if (step.status === 'done') {
          return checkOutput(options.output, step.values, context) as LangGraphActorOutput<TOutput>;
        }
        const replies = await waitForReplies(scope, step.interrupts, {
          reply: options.reply,
          prompt,
        });
        call = { kind: 'resume', replies };
      }
    },
  );
}

/**
 * An interrupt's value as a prompt: text as it is, anything else as JSON. An `interrupt()`
 * with no value (a pause) has no JSON: its wait still gets text, which `handle.waits()` and
 * the `human.wait` event promise.
 */
function promptOf(value: unknown): string {
  if (typeof value === 'string') return value;
  return JSON.stringify(value) ?? 'The graph is paused at an interrupt() that gave no value.';
}

function checkInput(
  schema: z.ZodType | undefined,
  input: unknown,
  { name }: GraphStepContext,
): unknown {
  if (!schema) return input;
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new LangGraphError('graph.invalid_input', {
    message: `LangGraph graph "${name}" was invoked with input that does not match its input schema; the graph did not run. Fix the invoke's input.`,
    issues: parsed.error.issues,
    details: { graph: name, input },
  });
}

function checkOutput(
  schema: z.ZodType | undefined,
  values: unknown,
  { name, threadId }: GraphStepContext,
): unknown {
  if (!schema) return values;
  const parsed = schema.safeParse(values);
  if (parsed.success) return parsed.data;
  throw new LangGraphError('graph.invalid_output', {
    message: `LangGraph graph "${name}" finished with a state that does not match its output schema; the chart's onError gets this instead of the value. Fix the graph's last node, or the schema.`,
    issues: parsed.error.issues,
    details: { graph: name, threadId, values },
  });
}
