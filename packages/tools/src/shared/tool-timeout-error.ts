import { RunError } from '@agentchart/core';

/** What {@link toolTimeoutError} says about one timed-out call. */
export interface ToolTimeoutErrorOptions {
  /** The tool's name, as the agent's own timeout names it. */
  tool: string;
  timeoutMs: number;
  /** What the call was doing and what to do about it, after the sentence that it timed out. */
  advice: string;
  /** More of what the call was about, beside `tool` and `timeoutMs` (an HTTP call's `url`). */
  details?: Record<string, unknown>;
  cause?: unknown;
}

/**
 * The error a tool's own deadline ends a call with: `RunError` `tool.timeout`, as the agent's
 * timer gives. In an agent both deadlines fall at the tool's `timeoutMs`, and which fires
 * first must not change what the chart and the model see (a `tool.failed` wrapping the tool's
 * own code one time, `tool.timeout` the next); the tool keeps its deadline for calls made
 * outside an agent, where nothing else stops a call that never ends.
 */
export function toolTimeoutError({
  tool,
  timeoutMs,
  advice,
  details,
  cause,
}: ToolTimeoutErrorOptions): RunError {
  return new RunError('tool.timeout', {
    message: `Tool "${tool}" did not finish within ${timeoutMs} ms and was aborted: ${advice}`,
    cause,
    details: { tool, timeoutMs, ...details },
  });
}
