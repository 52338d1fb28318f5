import type { RunEvent, RunEventType } from '@agentchart/core';
import { runEventTypes } from '@agentchart/core/internal';

/**
 * Run events that go to the inspector as `agentchart.*` events. Left out: `llm.token` (one
 * per streamed delta), `state.enter`/`state.exit` and `checkpoint.write` (the inspector sees
 * the snapshots themselves) and `listener.error`.
 */
const leftOut = new Set<RunEventType>([
  'llm.token',
  'state.enter',
  'state.exit',
  'checkpoint.write',
  'listener.error',
]);
const factTypes = new Set<RunEventType>(runEventTypes.filter((type) => !leftOut.has(type)));

/** Fields that carry content (prompts, messages, tool arguments and results). */
const contentFields = ['input', 'output', 'request', 'response', 'prompt'] as const;

/** A run event as the inspector event that reports it, or undefined for one left out. */
export function harnessFact(
  event: RunEvent,
  captureContent: boolean,
): { type: string; [key: string]: unknown } | undefined {
  if (!factTypes.has(event.type)) return undefined;
  const { type, ...fields } = event as RunEvent & Record<string, unknown>;
  if (!captureContent) {
    for (const field of contentFields) delete fields[field];
    if (isRecord(fields.error)) fields.error = errorWithoutContent(fields.error);
  }
  return { ...fields, type: `agentchart.${type}` };
}

/**
 * An error without what it carries of the run's content: a `RunError`'s `details` hold the
 * output a tool returned or the answer a model gave, and a zod issue may hold its `input`.
 * Its name, code, message and the issues' codes, paths and messages say what went wrong.
 */
function errorWithoutContent(error: Record<string, unknown>): Record<string, unknown> {
  const { details: _details, issues, ...rest } = error;
  if (!Array.isArray(issues)) return rest;
  return {
    ...rest,
    issues: issues.map((issue: unknown) => {
      if (!isRecord(issue)) return issue;
      const { input: _input, ...kept } = issue;
      return kept;
    }),
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
