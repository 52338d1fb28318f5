import { RunError } from '../errors/run-error';

/** The failure of a model call a guard stopped: `guard.blocked`, for the chart to route. */
export function guardBlockedError({
  guard,
  reason,
  stage,
  model,
}: {
  guard: string;
  reason: string;
  stage: 'input' | 'output';
  model: string;
}): RunError {
  return new RunError('guard.blocked', {
    message:
      stage === 'input'
        ? `Guard "${guard}" stopped a request to model "${model}" before it was sent: ${reason}.`
        : `Guard "${guard}" stopped the answer of model "${model}": ${reason}. The call was paid for and is counted; its answer was not used.`,
    details: { guard, stage, reason },
  });
}
