import { defineTool, toolCall } from '@agentchart/core';
import { assign, fromPromise, type PromiseActorLogic, setup } from 'xstate';
import { z } from 'zod';

/** Nodes in the chain; a run takes this many steps. */
export const chainLength = 10;

/** What every step appends to the log, in every variant. */
export interface LogEntry {
  step: number;
  note: string;
}

/** A chain's state: the count and the log, which grows by one entry a step. */
export interface ChainState {
  count: number;
  log: LogEntry[];
}

/** The entry of step `step`. */
export const entryOf = (step: number): LogEntry => ({ step, note: `step ${step} done` });

/** The trivial work every step does, in every variant: add one. */
export const increment = async (count: number): Promise<number> => count + 1;

/** The step as a plain XState promise actor (raw XState, and agentchart on the same machine). */
export const incrementActor = fromPromise<number, number>(({ input }) => increment(input));

/** The step as an agentchart tool: typed contract, journaled, idempotency key. */
export const incrementTool = defineTool({
  name: 'increment',
  description: 'Adds one to a number.',
  input: z.number(),
  output: z.number(),
  effect: 'pure',
  execute: increment,
});

/** The step as an agentchart effect: the tool invoked with `toolCall`. */
export const incrementToolCall = toolCall(incrementTool);

/** What a step's `assign` does in every machine: the new count, and its entry appended. */
function recorded(context: ChainState, event: unknown): ChainState {
  const count = (event as { output: number }).output;
  return { count, log: [...context.log, entryOf(count)] };
}

/**
 * `steps` states in a row; each invokes `work` with the count and moves on when it resolves,
 * appending the step's entry to the log. Its output is the final state, so a run that skipped
 * a step shows it.
 */
export function chainMachine(work: PromiseActorLogic<number, number>, steps = chainLength) {
  const states: Record<string, any> = { done: { type: 'final' } };
  for (let index = 0; index < steps; index++) {
    states[`s${index}`] = {
      invoke: {
        src: 'work',
        input: ({ context }: { context: ChainState }) => context.count,
        onDone: { target: index + 1 < steps ? `s${index + 1}` : 'done', actions: 'record' },
      },
    };
  }
  return setup({
    types: { context: {} as ChainState, output: {} as ChainState },
    actors: { work },
    actions: { record: assign(({ context, event }) => recorded(context, event)) },
  }).createMachine({
    id: 'chain',
    context: () => ({ count: 0, log: [] }),
    initial: 's0',
    states,
    output: ({ context }) => context,
  });
}

/**
 * The same work as a loop: one state that invokes `work` and is entered again until the count
 * reaches `steps`. What a long-running agent looks like (the chart stays the same size while
 * its state grows), used to measure how a step's cost follows the size of the state.
 */
export function loopMachine(work: PromiseActorLogic<number, number>, steps: number) {
  return setup({
    types: { context: {} as ChainState, output: {} as ChainState },
    actors: { work },
    actions: { record: assign(({ context, event }) => recorded(context, event)) },
    guards: { last: ({ event }) => (event as unknown as { output: number }).output >= steps },
  }).createMachine({
    id: 'loop',
    context: () => ({ count: 0, log: [] }),
    initial: 'step',
    states: {
      step: {
        invoke: {
          src: 'work',
          input: ({ context }) => context.count,
          onDone: [
            { guard: 'last', target: 'done', actions: 'record' },
            { target: 'step', reenter: true, actions: 'record' },
          ],
        },
      },
      done: { type: 'final' },
    },
    output: ({ context }) => context,
  });
}

/** Throws unless a run counted every step and logged each one. */
export function checkChainOutput(variant: string, output: unknown, steps = chainLength): void {
  const state = output as Partial<ChainState> | undefined;
  if (state?.count !== steps || state.log?.length !== steps || state.log.at(-1)?.step !== steps) {
    throw new Error(
      `${variant}: the chain ended with count ${String(state?.count)} and ${String(state?.log?.length)} log entries, expected ${steps} of each`,
    );
  }
}
