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
}: {
  tool: string;
  key: string;
  input: unknown;
  /** What happened, as the end of "Tool X (unsafe) …". */
  cause: string;
}): RunError {
  return new RunError('effect.ambiguous', {
    message: `Tool "${tool}" (unsafe) ${cause}; it may or may not have acted (key ${key}). It is not run again. Give the tool a reconcile() hook that checks with the outside system using the idempotency key, or route this error to a human in the chart (onError).`,
    details: { tool, key, input },
  });
}
