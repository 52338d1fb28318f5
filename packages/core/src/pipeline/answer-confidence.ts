import type { ChatRequest, ChatResponse } from '../model/types';
import { extractJson } from '../output/extract-json';

/**
 * The confidence a structured answer reports about itself: a finite number in a top-level
 * `confidence` field of the JSON the model was asked for (`{ relevant: true, confidence: 0.8 }`).
 * Undefined for a text answer, one that is not JSON, or one without that field.
 */
export function answerConfidence(request: ChatRequest, response: ChatResponse): number | undefined {
  const format = request.responseFormat?.type;
  if (format !== 'json_schema' && format !== 'json_object') return undefined;
  const extracted = extractJson(response.content);
  if (!extracted.ok) return undefined;
  const { value } = extracted;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const confidence = (value as { confidence?: unknown }).confidence;
  return typeof confidence === 'number' && Number.isFinite(confidence) ? confidence : undefined;
}
