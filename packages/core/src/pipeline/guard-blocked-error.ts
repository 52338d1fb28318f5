import { RunError } from '../errors/run-error';

/**
 * The failure of a model call a guard stopped: `guard.blocked`, for the chart to route. One
 * stopped because the guard's check threw says so with `details.checkFailed` (and the error
 * as `cause`, when it is at hand), so a chart can tell an outage from a verdict.
 */
export function guardBlockedError({
  guard,
  reason,
  stage,
  model,
  checkFailed,
  thrown,
}: {
  guard: string;
  reason: string;
  stage: 'input' | 'output';
  model: string;
  /** Set when the check threw rather than judged (the journal records it for an answer). */
  checkFailed?: boolean;
  /** What the check threw, when it is at hand (an input check; not on a resume). */
  thrown?: unknown;
}): RunError {
  const failed = checkFailed === true;
  return new RunError('guard.blocked', {
    ...(thrown !== undefined ? { cause: thrown } : {}),
    message:
      stage === 'input'
        ? `Guard "${guard}" stopped a request to model "${model}" before it was sent: ${reason}.`
        : `Guard "${guard}" stopped the answer of model "${model}": ${reason}. The call was paid for and is counted; its answer was not used.`,
    details: failed ? { guard, stage, reason, checkFailed: true } : { guard, stage, reason },
  });
}
