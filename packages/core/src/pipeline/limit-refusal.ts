import { RunError } from '../errors/run-error';
import type { LimitInfo } from '../run/types';

/**
 * The error a model call refused by a run limit or a tenant quota fails with, before it is
 * sent; its `details` are the {@link LimitInfo}, so the journal's record of the call says
 * which limit refused it (see {@link refusedLimitOf}).
 */
export function limitRefusal({ callId }: { callId: string }, limit: LimitInfo): RunError {
  const whose =
    limit.familyThreadId === undefined
      ? 'the run reached its'
      : `the agents of thread "${limit.familyThreadId}" (that parent and its child agents, which share its limits) reached its`;
  return new RunError('run.limit_reached', {
    message: `Model call ${callId} was not sent: ${whose} ${limit.limit} limit (${limit.value} of ${limit.max}, counting this call)${limit.duringWrapUp ? ' during its wrap-up grace' : ''}. Raise the limit${limit.familyThreadId === undefined ? '' : ` of the agent that runs "${limit.familyThreadId}"`}, or let the chart finish without this call.`,
    details: { ...limit },
  });
}

/**
 * The limit a model call was refused by, when `error` — thrown, or as a journal record
 * stores it — is a {@link limitRefusal}; undefined for any other error.
 */
export function refusedLimitOf(error: unknown): LimitInfo | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, details } = error as { code?: unknown; details?: unknown };
  if (code !== 'run.limit_reached' || typeof details !== 'object' || details === null) {
    return undefined;
  }
  const { limit, value, max, duringWrapUp, familyThreadId, tenantId } = details as Record<
    string,
    unknown
  >;
  if (typeof limit !== 'string' || typeof value !== 'number' || typeof max !== 'number') {
    return undefined;
  }
  return {
    limit: limit as LimitInfo['limit'],
    value,
    max,
    ...(duringWrapUp === true ? { duringWrapUp } : {}),
    ...(typeof familyThreadId === 'string' ? { familyThreadId } : {}),
    ...(typeof tenantId === 'string' ? { tenantId } : {}),
  };
}
