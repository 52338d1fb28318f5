import { defineTool, toolCall } from '@agentchart/core';
import { assign, fromPromise, type PromiseActorLogic, setup } from 'xstate';
import { z } from 'zod';

/** Nodes in the chain; a run takes this many steps. */
export const chainLength = 10;

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

/**
 * Ten states in a row; each invokes `work` with the count and moves on when it resolves.
 * Its output is the final count, so a run that skipped a step shows it.
 */
export function chainMachine(work: PromiseActorLogic<number, number>) {
  const states: Record<string, any> = { done: { type: 'final' } };
  for (let index = 0; index < chainLength; index++) {
    states[`s${index}`] = {
      invoke: {
        src: 'work',
        input: ({ context }: { context: { count: number } }) => context.count,
        onDone: { target: index + 1 < chainLength ? `s${index + 1}` : 'done', actions: 'record' },
      },
    };
  }
  return setup({
    types: { context: {} as { count: number }, output: {} as number },
    actors: { work },
    actions: {
      record: assign({ count: ({ event }) => (event as unknown as { output: number }).output }),
    },
  }).createMachine({
    id: 'chain10',
    context: { count: 0 },
    initial: 's0',
    states,
    output: ({ context }) => context.count,
  });
}

/** Throws unless a chain run counted every step. */
export function checkChainOutput(variant: string, output: unknown): void {
  if (output !== chainLength) {
    throw new Error(`${variant}: chain10 ended with ${String(output)}, expected ${chainLength}`);
  }
}
