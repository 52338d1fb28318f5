import type { ApprovalReason } from '../events/types';
import { argumentsHash } from '../security/arguments-hash';
import type { AnyTool } from '../tools/types';
import { type ApprovalDecision, type ApprovalOptions, askApproval } from './ask-approval';
import type { EffectScope } from './effect-scope';

/** Options of {@link approveToolCall}. */
export interface ApproveToolCallOptions {
  /** The journal key the tool call runs under: its approvals are keyed after it. */
  key: string;
  tool: AnyTool;
  /** The validated input the tool would run with. */
  input: unknown;
  reason: ApprovalReason;
  options: ApprovalOptions;
}

/**
 * Gets a person's decision on one tool call before it runs, bound to the call's key and to
 * the hash of its exact arguments, so the approval serves this call and no other:
 * - a decision recorded for other arguments (the code now builds another call) is not used;
 *   the call is asked about again;
 * - an approval given before a restart and still unused after `validForMs` has expired;
 *   the call is asked about again;
 * - once the call's own journal entry exists, the approval was used by it: the call goes on
 *   to its recorded result (or its crash recovery), never to a second approval.
 *
 * A resume replays the person's answer, never grants one; a fork starts with an empty
 * journal, so it asks again; a replay only repeats what the recording decided.
 */
export async function approveToolCall(
  scope: EffectScope,
  { key, tool, input, reason, options }: ApproveToolCallOptions,
): Promise<ApprovalDecision> {
  const hash = argumentsHash(tool.name, input);
  const used = (await scope.run.readJournal(key)) !== undefined;
  for (let attempt = 1; ; attempt++) {
    const { value: decision, replayed } = await askApproval(scope, {
      key: attempt === 1 ? `${key}/approval` : `${key}/approval-${attempt}`,
      tool: tool.name,
      input,
      argumentsHash: hash,
      reason,
      options,
    });
    if (decision.argumentsHash !== hash || decision.tool !== tool.name) continue;
    if (!decision.approved || used || !replayed) return decision;
    if (scope.run.clock.now() <= decision.expiresAt) return decision;
  }
}
