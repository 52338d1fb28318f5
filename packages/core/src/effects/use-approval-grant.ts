import { RunError } from '../errors/run-error';
import { argumentsHash } from '../security/arguments-hash';
import type { AnyTool } from '../tools/types';
import type { ApprovalDecision } from './ask-approval';
import type { EffectScope } from './effect-scope';

/**
 * A person's approval of one tool call with exact arguments, made by `requestApproval` and
 * handed to `toolCall(tool, { approval: 'grant' })` through the chart's context. It is a
 * reference, not a permission: the call checks the thread's own journal for the decision
 * it names, so a grant copied, edited, forged or inherited by a fork grants nothing.
 */
export interface ApprovalGrant {
  readonly kind: 'agentchart.approval';
  /** The approval's journal key in its thread. */
  readonly id: string;
  /** The thread the approval was given in. */
  readonly threadId: string;
  readonly tool: string;
  /** SHA-256 of the tool's name and the approved arguments (see `argumentsHash`). */
  readonly argumentsHash: string;
  /** After this time (on the run's clock) an unused grant is refused with `approval.expired`. */
  readonly expiresAt: number;
}

/** Why a grant does not allow a call: the `reason` of an `approval.required` failure. */
export type GrantRefusal =
  | 'missing'
  | 'other-thread'
  | 'not-approved'
  | 'arguments-changed'
  | 'used';

/** Options of {@link useApprovalGrant}. */
export interface UseApprovalGrantOptions {
  grant: unknown;
  tool: AnyTool;
  /** The validated input the call is about to run with. */
  input: unknown;
  /** The journal key of the call: the one call this grant may serve. */
  key: string;
}

/**
 * Lets a call run on a grant only when this thread's journal holds an approval of this tool
 * with these exact arguments, not yet used by another call and not expired; then records the
 * use (under the grant's key, naming the call), so the grant serves no second call. A call
 * that restarts after a crash finds its own use and goes on. Otherwise fails with
 * `approval.required` (its `details.reason` a {@link GrantRefusal}) or `approval.expired`: the
 * chart routes either back to a new approval.
 */
export async function useApprovalGrant(
  scope: EffectScope,
  { grant, tool, input, key }: UseApprovalGrantOptions,
): Promise<void> {
  const hash = argumentsHash(tool.name, input);
  const refuse = (reason: GrantRefusal, why: string): never => {
    throw new RunError('approval.required', {
      message: `The call of "${tool.name}" was not run: ${why} It needs a new approval of these exact arguments; route approval.required back to requestApproval.`,
      details: { tool: tool.name, argumentsHash: hash, reason, arguments: input },
    });
  };
  if (!isGrant(grant)) return refuse('missing', 'it was given no approval grant.');
  if (grant.threadId !== scope.threadId) {
    return refuse(
      'other-thread',
      `its approval was given in thread "${grant.threadId}", not in this one (a fork or a copied context inherits no approval).`,
    );
  }
  const entry = await scope.run.readJournal(grant.id);
  const decision = entry?.output as Partial<ApprovalDecision> | undefined;
  if (entry?.name !== 'approval' || entry.status !== 'completed' || decision?.approved !== true) {
    return refuse('not-approved', `this thread's journal has no approval "${grant.id}".`);
  }
  if (decision.tool !== tool.name || decision.argumentsHash !== hash) {
    return refuse(
      'arguments-changed',
      `the approval "${grant.id}" was given for other arguments (or another tool) than the call now has.`,
    );
  }
  const useKey = `${grant.id}/use`;
  const use = await scope.run.readJournal(useKey);
  if (use !== undefined && (use.input as { key?: unknown } | undefined)?.key !== key) {
    return refuse('used', `the approval "${grant.id}" was already used by another call.`);
  }
  if (use === undefined) {
    // The journal's expiry, not the grant's: a grant is the chart's data, and can be edited.
    const expiresAt = decision.expiresAt ?? 0;
    if (scope.run.clock.now() > expiresAt) {
      throw new RunError('approval.expired', {
        message: `The approval of "${tool.name}" expired at ${new Date(expiresAt).toISOString()} before it was used; the call did not run. Ask again, or give approvals a longer validForMs.`,
        details: { tool: tool.name, argumentsHash: hash, expiresAt },
      });
    }
    // Claimed before the use is journaled: calls in parallel states may hold one grant.
    const claims = claimsOf(scope.run);
    if (claims.has(useKey) && claims.get(useKey) !== key) {
      return refuse('used', `the approval "${grant.id}" is being used by another call.`);
    }
    claims.set(useKey, key);
  }
  await scope.journaled(
    useKey,
    { kind: 'human', effect: 'pure', name: 'approval.use', input: { key } },
    async () => ({ usedBy: key }),
  );
}

/** Grants being used in a run, by use key: the call that claimed each. */
const claimsByRun = new WeakMap<object, Map<string, string>>();

function claimsOf(run: object): Map<string, string> {
  let claims = claimsByRun.get(run);
  if (!claims) {
    claims = new Map();
    claimsByRun.set(run, claims);
  }
  return claims;
}

function isGrant(value: unknown): value is ApprovalGrant {
  const grant = value as Partial<ApprovalGrant> | undefined;
  return (
    typeof grant === 'object' &&
    grant !== null &&
    grant.kind === 'agentchart.approval' &&
    typeof grant.id === 'string' &&
    typeof grant.threadId === 'string' &&
    typeof grant.expiresAt === 'number'
  );
}
