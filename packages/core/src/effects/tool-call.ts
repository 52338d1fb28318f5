import type { PromiseActorLogic } from 'xstate';
import type { z } from 'zod';
import { DefinitionError } from '../errors/definition-error';
import { checkOptionNames, describeValue } from '../errors/option-names';
import { RunError } from '../errors/run-error';
import { parseNow } from '../output/parse-now';
import { assertDefinedTool } from '../tools/assert-defined-tool';
import type { Tool } from '../tools/types';
import { approveToolCall } from './approve-tool-call';
import { type ApprovalOptions, checkApprovalOptions, rejectedError } from './ask-approval';
import { createEffectLogic } from './create-effect-logic';
import type { EffectScope } from './effect-scope';
import { executeTool } from './execute-tool';
import { outdatedToolCall } from './outdated-tool-call';
import { type ApprovalGrant, useApprovalGrant } from './use-approval-grant';

/**
 * Options of {@link toolCall}: how the call is approved, and (for approvals it asks for
 * itself) how long a person has and how long an approval holds.
 */
export interface ToolCallOptions extends ApprovalOptions {
  /**
   * - `tool` (default): ask a person first when the tool's `approval` is `always`;
   * - `always`: ask a person before every call, whatever the tool says;
   * - `grant`: run only on a grant from `requestApproval` for these exact arguments; the
   *   invoke's input is `{ input, approval }`. Without a valid one the call fails with
   *   `approval.required` (or `approval.expired`), and the chart asks again.
   *
   * An approval asked for here is a durable human wait showing the tool's name and its exact
   * arguments, bound to their hash. `tool` and `always` decide on the arguments the effect
   * was invoked with, so a context amended during the wait changes nothing it runs.
   */
  approval?: 'tool' | 'always' | 'grant' | undefined;
}

/** The input of `toolCall(tool, { approval: 'grant' })`: the tool's input and its grant. */
export interface GrantedToolCallInput<TInput> {
  input: TInput;
  approval: ApprovalGrant;
}

/**
 * Actor logic that runs one tool with its typed contract: the input is validated before
 * `execute`, the output after; failures reach the chart's `onError` as {@link RunError}s —
 * `approval.rejected`, `approval.expired` and `approval.required` among them when the call
 * needs an approval (see {@link ToolCallOptions.approval}).
 *
 * @example
 * ```ts
 * setup({ actors: { send: toolCall(sendEmail) } })
 * // invoke: { src: 'send', input: ({ context }) => ({ to: context.to, body: context.draft }) }
 * ```
 */
export function toolCall<TInput extends z.ZodType, TOutput extends z.ZodType>(
  tool: Tool<TInput, TOutput>,
  options: ToolCallOptions & { approval: 'grant' },
): PromiseActorLogic<z.output<TOutput>, GrantedToolCallInput<z.input<TInput>>>;
export function toolCall<TInput extends z.ZodType, TOutput extends z.ZodType>(
  tool: Tool<TInput, TOutput>,
  options?: ToolCallOptions & { approval?: 'tool' | 'always' | undefined },
): PromiseActorLogic<z.output<TOutput>, z.input<TInput>>;
export function toolCall<TInput extends z.ZodType, TOutput extends z.ZodType>(
  tool: Tool<TInput, TOutput>,
  options: ToolCallOptions = {},
): PromiseActorLogic<z.output<TOutput>, any> {
  checkToolCallArguments(tool, options);
  const { approval = 'tool' } = options;
  // Made once per tool, not per call.
  const inputSchema = `tool "${tool.name}"'s input schema`;
  const label = `tool:${tool.name}`;
  // The tool's call once its input is valid and approved: what it returned (or how it
  // failed) reaches the chart, which may give it to a later tool loop as its prompt — the run
  // holds untrusted content from then on, as when a tool loop's own call returns (unless the
  // tool vouches for its output).
  const call = (scope: EffectScope, input: unknown, key: string): Promise<z.output<TOutput>> => {
    const calling = executeTool(scope, tool, input, { key }) as Promise<z.output<TOutput>>;
    if (tool.trustedOutput) return calling;
    return calling.then(
      (output) => {
        scope.run.markUntrustedSeen();
        return output;
      },
      (error: unknown) => {
        scope.run.markUntrustedSeen();
        throw error;
      },
    );
  };
  // A call that asks for an approval, or whose input the schema refuses.
  const checked = async (
    scope: EffectScope,
    received: unknown,
    input: unknown,
    parsed: z.ZodSafeParseResult<unknown>,
  ): Promise<z.output<TOutput>> => {
    const granted = approval === 'grant';
    if (!parsed.success) {
      const outdated = await outdatedToolCall(scope, tool, input, parsed.error.issues);
      if (outdated?.ran) return (await outdated.ran()) as z.output<TOutput>;
      if (outdated) throw outdated.error;
      throw new RunError('tool.invalid_arguments', {
        message: `Tool "${tool.name}" was invoked with input that does not match its input schema; nothing was executed. Fix the invoke's input${granted ? ' (with a grant it is { input, approval })' : ''}.`,
        issues: parsed.error.issues,
        details: { tool: tool.name, input },
      });
    }
    const key = scope.nextKey(label);
    if (granted) {
      const grant = (received as Partial<GrantedToolCallInput<unknown>>).approval;
      await useApprovalGrant(scope, { grant, tool, input: parsed.data, key });
    } else {
      const decision = await approveToolCall(scope, {
        key,
        tool,
        input: parsed.data,
        reason: 'always',
        options,
      });
      if (!decision.approved) throw rejectedError(decision);
    }
    return call(scope, parsed.data, key);
  };
  return createEffectLogic(
    { kind: 'tool-call', modelAliases: [], tools: [tool], blocksRest: true, schemas: [] },
    // Not an async function: a call with valid input and no approval to ask for (most of
    // them) follows the tool's promise, with no frame of its own and no ticks to await it.
    (scope, received: unknown) => {
      try {
        const granted = approval === 'grant';
        const input = granted
          ? (received as Partial<GrantedToolCallInput<unknown>>)?.input
          : received;
        const parsed = parseNow(tool.input, input, inputSchema);
        if (parsed.success && !granted && approval !== 'always' && tool.approval !== 'always') {
          return call(scope, parsed.data, scope.nextKey(label));
        }
        return checked(scope, received, input, parsed);
      } catch (error) {
        return Promise.reject(error);
      }
    },
  );
}

const approvals = ['tool', 'always', 'grant'] as const;

/**
 * Refuses what `toolCall` could not run: something that is not a `defineTool` tool (it failed
 * in the middle of a run with a TypeError), an `approval` that is not one of its choices
 * (`'never'` was taken as `'tool'`), and misspelt options; the approval options it documents
 * (`timeoutMs`, `validForMs`, `prompt`) are checked as they are for a tool loop.
 *
 * @throws DefinitionError `definition.invalid_option`.
 */
function checkToolCallArguments(tool: unknown, options: ToolCallOptions): void {
  assertDefinedTool('toolCall', tool);
  checkOptionNames('toolCall', options, ['approval', 'timeoutMs', 'validForMs', 'prompt']);
  const { approval } = options;
  if (approval !== undefined && !approvals.includes(approval)) {
    throw new DefinitionError(
      'definition.invalid_option',
      `toolCall: approval is ${describeValue(approval)}. Give 'tool' (ask when the tool says so, the default), 'always' or 'grant'; a tool that must never be asked about says so itself (defineTool's approval).`,
    );
  }
  checkApprovalOptions('toolCall', options);
}
