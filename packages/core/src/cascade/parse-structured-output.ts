import type { z } from 'zod';
import type { ChatResponse } from '../model/types';
import { extractJson } from '../output/extract-json';

/** A response parsed against a schema. */
export type StructuredOutputResult<T> =
  | { ok: true; value: T }
  | { ok: false; reason: string; issues: z.core.$ZodIssue[] };

/** Finds the JSON in a response and validates it; a refusal or truncation is a failure too. */
export function parseStructuredOutput<TSchema extends z.ZodType>(
  response: ChatResponse,
  schema: TSchema,
): StructuredOutputResult<z.output<TSchema>> {
  if (response.finishReason === 'refusal' || response.refusal) {
    return { ok: false, reason: `refused: ${response.refusal ?? response.content}`, issues: [] };
  }
  if (response.finishReason === 'length')
    return { ok: false, reason: 'truncated at the output limit', issues: [] };
  const extracted = extractJson(response.content);
  if (!extracted.ok) return { ok: false, reason: extracted.reason, issues: [] };
  const parsed = schema.safeParse(extracted.value);
  if (parsed.success) return { ok: true, value: parsed.data };
  const reason = parsed.error.issues
    .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
    .join('; ');
  return { ok: false, reason, issues: parsed.error.issues };
}
