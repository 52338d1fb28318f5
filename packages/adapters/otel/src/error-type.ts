import type { SerializedError } from '@agentchart/core';

/**
 * `error.type` for a failed run, call or tool: the error's stable agentchart code
 * (`model.rate_limited`, `tool.failed`, `effect.aborted` …) — low in cardinality, as the
 * conventions ask — or its class name for errors from elsewhere, or `_OTHER`.
 */
export function errorTypeOf(error: SerializedError | undefined): string {
  if (!error) return '_OTHER';
  if (error.code && error.code !== 'unknown') return error.code;
  return error.name || '_OTHER';
}
