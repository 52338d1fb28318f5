import type { PromiseActorLogic } from 'xstate';
import type { z } from 'zod';
import { checkOptionNames } from '../errors/option-names';
import { RunError } from '../errors/run-error';
import { parseNow } from '../output/parse-now';
import { argumentsHash } from '../security/arguments-hash';
import { assertDefinedTool } from '../tools/assert-defined-tool';
import type { Tool } from '../tools/types';
import {
  type ApprovalOptions,
  askApproval,
  checkApprovalOptions,
  rejectedError,
} from './ask-approval';
import { createEffectLogic } from './create-effect-logic';
import type { ApprovalGrant } from './use-approval-grant';

/**
 * Actor logic that asks a person to approve one call of `tool` with exact arguments (the
 * invoke's input, validated against the tool's input schema first), as a durable human wait.
 * Its output is an {@link ApprovalGrant} for `toolCall(tool, { approval: 'grant' })`, bound to
 * the hash of the tool's name and those arguments: used once, valid for `validForMs`, never
 * granted by a resume, a replay or a fork. A rejection fails with `approval.rejected`, no
 * answer in time with `approval.expired`.
 *
 * @example
 * ```ts
 * setup({ actors: { approve: requestApproval(pay), pay: toolCall(pay, { approval: 'grant' }) } })
 * // approving: invoke approve with input ({ context }) => context.payment,
 * //   onDone: assign({ grant: ({ event }) => event.output }) → paying
 * // paying: invoke pay with input ({ context }) => ({ input: context.payment, approval: context.grant }),
 * //   onError with code approval.required → approving (the payment changed: ask again)
 * ```
 */
export function requestApproval<TInput extends z.ZodType, TOutput extends z.ZodType>(
  tool: Tool<TInput, TOutput>,
  options: ApprovalOptions = {},
): PromiseActorLogic<ApprovalGrant, z.input<TInput>> {
  assertDefinedTool('requestApproval', tool);
  checkOptionNames('requestApproval', options, ['timeoutMs', 'validForMs', 'prompt']);
  checkApprovalOptions('requestApproval', options);
  return createEffectLogic(
    { kind: 'human-wait', modelAliases: [], tools: [tool], blocksRest: false, schemas: [] },
    async (scope, input: z.input<TInput>) => {
      const parsed = parseNow(tool.input, input, `tool "${tool.name}"'s input schema`);
      if (!parsed.success) {
        throw new RunError('tool.invalid_arguments', {
          message: `requestApproval for tool "${tool.name}" was invoked with input that does not match the tool's input schema; nobody was asked. Fix the invoke's input.`,
          issues: parsed.error.issues,
          details: { tool: tool.name, input },
        });
      }
      const key = scope.nextKey(`approval:${tool.name}`);
      const hash = argumentsHash(tool.name, parsed.data);
      const { value: decision } = await askApproval(scope, {
        key,
        tool: tool.name,
        input: parsed.data,
        argumentsHash: hash,
        reason: 'always',
        options,
      });
      if (!decision.approved) throw rejectedError(decision);
      return {
        kind: 'agentchart.approval',
        id: key,
        threadId: scope.threadId,
        tool: tool.name,
        argumentsHash: hash,
        expiresAt: decision.expiresAt,
      };
    },
  );
}
