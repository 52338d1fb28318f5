import type { z } from 'zod';
import { describeIssues, maxListedIssues } from '../errors/describe-issues';
import type { ChatResponse } from '../model/types';
import { extractAnswer } from '../output/extract-answer';
import { nullAsAbsent } from '../output/null-as-absent';
import { parseNow } from '../output/parse-now';

/** Why an answer could not be used, as the error code a failed effect reports it with. */
export type StructuredOutputFailure =
  | 'output.invalid'
  | 'output.refused'
  | 'output.truncated'
  | 'output.filtered';

/**
 * A response parsed against a schema. A failure's `code` says what kind it was (a refusal,
 * a cut-off or filtered answer, or one that breaks the schema); left out, `output.invalid`.
 */
export type StructuredOutputResult<T> =
  | { ok: true; value: T }
  | { ok: false; reason: string; issues: z.core.$ZodIssue[]; code?: StructuredOutputFailure };

/**
 * Finds the JSON in a response and validates it, a `null` for an optional key read as the
 * key absent; a refusal, a truncated or a filtered answer
 * is a failure too, with its own code.
 */
export function parseStructuredOutput<TSchema extends z.ZodType>(
  response: ChatResponse,
  schema: TSchema,
): StructuredOutputResult<z.output<TSchema>> {
  if (response.finishReason === 'refusal' || response.refusal) {
    const reason = `refused: ${response.refusal ?? response.content}`;
    return { ok: false, reason, issues: [], code: 'output.refused' };
  }
  if (response.finishReason === 'length') {
    return {
      ok: false,
      reason: 'truncated at the output limit',
      issues: [],
      code: 'output.truncated',
    };
  }
  if (response.finishReason === 'content_filter') {
    const reason = "stopped by the provider's content filter";
    return { ok: false, reason, issues: [], code: 'output.filtered' };
  }
  // Depth-checked: an answer nested deeper than a checkpoint keeps would fail the run when
  // stored (with a misleading "circular structure"), instead of escalating like invalid output.
  const extracted = extractAnswer(
    response.content,
    (value) =>
      parseNow(schema, nullAsAbsent(schema, value), "the structured answer's schema").success,
  );
  if (!extracted.ok) return { ok: false, reason: extracted.reason, issues: [] };
  // An optional key was asked for as nullable (see toJsonSchema): its null means absent.
  const parsed = parseNow(
    schema,
    nullAsAbsent(schema, extracted.value),
    "the structured answer's schema",
  );
  if (parsed.success) return { ok: true, value: parsed.data };
  // The first issues, each cut short: an answer of thousands of wrong items has thousands of
  // issues, and the reason goes into the error's message and every escalation.
  const reason = describeIssues(parsed.error.issues, maxListedIssues);
  return { ok: false, reason, issues: parsed.error.issues };
}
