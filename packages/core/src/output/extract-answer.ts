import { maxSentValueDepth, nestsDeeperThan } from '../ledger/json-depth';
import { type ExtractJsonResult, extractJson } from './extract-json';

/**
 * The JSON value in a model's structured answer ({@link extractJson}), refused like malformed
 * JSON when it nests deeper than a checkpoint keeps: an answer steered by injected text can be
 * a few kilobytes of `[[[[…`, which a loose schema (`z.unknown()`) accepts and the run then
 * fails to store. Every effect that reads a structured answer goes through it — a
 * `structuredCall` re-asks such an answer, a cascade escalates it — and none caches it. Two
 * characters make a level, so a short answer is not walked. `accept` tells the answer from
 * other JSON in chatty prose (see {@link extractJson}).
 */
export function extractAnswer(
  text: string,
  accept?: (value: unknown) => boolean,
): ExtractJsonResult {
  const extracted = extractJson(text, accept);
  if (!extracted.ok || text.length <= 2 * maxSentValueDepth) return extracted;
  if (!nestsDeeperThan(extracted.value, maxSentValueDepth)) return extracted;
  return {
    ok: false,
    reason: `the JSON nests arrays or objects more than ${maxSentValueDepth} levels deep; answer with a flatter value`,
  };
}
