import { defineTool } from '@agentchart/core';
import type { ScriptedResponse } from '@agentchart/core/testing';
import { z } from 'zod';

/** Tool calls the model makes before it answers. */
export const toolRounds = 5;

/** The question every variant starts with. */
export const question = 'Count to five with the add tool.';

export const addInput = z.object({ a: z.number(), b: z.number() });
export const addOutput = z.object({ sum: z.number() });

/** The tool's work, in every variant. */
export const add = async ({ a, b }: z.infer<typeof addInput>) => ({ sum: a + b });

/** The `add` tool with agentchart's typed contract. */
export const addTool = defineTool({
  name: 'add',
  description: 'Adds two numbers.',
  input: addInput,
  output: addOutput,
  effect: 'pure',
  execute: add,
});

/** What the scripted model does next: the model's side of the script, shared by every variant. */
export type Move =
  | { kind: 'call'; args: { a: number; b: number } }
  | { kind: 'answer'; text: string };

/**
 * Calls `add(n, 1)` while fewer than five tool results are in the conversation, then answers
 * with the last sum it read, so the answer proves the tool results reached the model.
 */
export function nextMove(toolResults: readonly string[]): Move {
  if (toolResults.length < toolRounds) {
    return { kind: 'call', args: { a: toolResults.length, b: 1 } };
  }
  const last = JSON.parse(withoutFence(toolResults[toolResults.length - 1]!)) as { sum: number };
  return { kind: 'answer', text: `sum=${last.sum}` };
}

/** A tool result as its tool returned it: agentchart fences tool output as untrusted data. */
export function withoutFence(content: string): string {
  return content.startsWith('<<untrusted data')
    ? content.split('\n').slice(1, -1).join('\n')
    : content;
}

/** The answer a correct run ends with. */
export const expectedAnswer = `sum=${toolRounds}`;

/** The move as a scripted model's response. */
export function scriptedMove(move: Move): ScriptedResponse {
  return move.kind === 'call'
    ? { toolCalls: [{ name: 'add', arguments: move.args }] }
    : { content: move.text };
}

/** Throws unless a run made five tool calls and answered with the last sum. */
export function checkReactResult(variant: string, answer: string, toolCalls: number): void {
  if (answer !== expectedAnswer || toolCalls !== toolRounds) {
    throw new Error(
      `${variant}: answered "${answer}" after ${toolCalls} tool calls, expected "${expectedAnswer}" after ${toolRounds}`,
    );
  }
}
