import { RunError } from '../errors/run-error';

/**
 * The error of an `unsafe` tool call that may or may not have acted (the process stopped
 * during it, or it outlived its timeout) and that its `reconcile` hook could not settle. It
 * is never retried and never reported to a model, which could call the tool again under a
 * new key: it goes to the chart's error path.
 */
export function ambiguousToolError({
  tool,
  key,
  input,
  cause,
  reconciled,
}: {
  tool: string;
  key: string;
  input: unknown;
  /** What happened, as the end of "Tool X (unsafe) …". */
  cause: string;
  /** Whether the tool's `reconcile` hook was asked: advice to add one is for a tool without. */
  reconciled: boolean;
}): RunError {
  const advice = reconciled
    ? 'Its reconcile() could not say whether it acted: check with the outside system using the idempotency key, and route this error to a human in the chart (onError).'
    : 'Give the tool a reconcile() hook that checks with the outside system using the idempotency key, or route this error to a human in the chart (onError).';
  return new RunError('effect.ambiguous', {
    message: `Tool "${tool}" (unsafe) ${cause}; it may or may not have acted (key ${key}). It is not run again. ${advice}`,
    details: { tool, key, input },
  });
}
