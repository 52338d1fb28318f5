import type { PromiseActorLogic } from 'xstate';
import type { z } from 'zod';
import { RunError } from '../errors/run-error';
import type { Tool } from '../tools/types';
import { createEffectLogic } from './create-effect-logic';
import { executeTool } from './execute-tool';

/**
 * Actor logic that runs one tool with its typed contract: the input is validated before
 * `execute`, the output after; failures reach the chart's `onError` as {@link RunError}s.
 *
 * @example
 * ```ts
 * setup({ actors: { send: toolCall(sendEmail) } })
 * // invoke: { src: 'send', input: ({ context }) => ({ to: context.to, body: context.draft }) }
 * ```
 */
export function toolCall<TInput extends z.ZodType, TOutput extends z.ZodType>(
  tool: Tool<TInput, TOutput>,
): PromiseActorLogic<z.output<TOutput>, z.input<TInput>> {
  return createEffectLogic(
    { kind: 'tool-call', modelAliases: [], tools: [tool], blocksRest: true, schemas: [] },
    async (scope, input: z.input<TInput>) => {
      const parsed = tool.input.safeParse(input);
      if (!parsed.success) {
        throw new RunError('tool.invalid_arguments', {
          message: `Tool "${tool.name}" was invoked with input that does not match its input schema; nothing was executed. Fix the invoke's input.`,
          issues: parsed.error.issues,
          details: { tool: tool.name, input },
        });
      }
      return (await executeTool(scope, tool, parsed.data)) as z.output<TOutput>;
    },
  );
}
