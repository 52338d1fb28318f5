import { cutOutside, type KeptWhole } from './cut-outside';
import { prefixWithinTokens, suffixWithinTokens } from './text-within-tokens';
import type { TokenCounter } from './token-counter';

/** Options of {@link cutMiddle}. */
export interface CutMiddleOptions {
  /** The most tokens the result may take, marker included. */
  maxTokens: number;
  counter: TokenCounter;
  /** Share of the kept tokens taken from the head. Default 0.5. */
  headShare?: number;
  /** The text's token count, when the caller has it (saves a count). */
  tokens?: number;
  /** Words for the marker: what was cut. Default `text`. */
  what?: string;
  /**
   * Stretches of the text a cut must not fall inside (see `capToolOutput`'s): the cut text is
   * stored, and redacted only then, when a part of a secret is no longer recognised.
   */
  keepWhole?: (text: string) => KeptWhole;
}

/**
 * `text` with its middle replaced by a marker so that it takes at most `maxTokens`: the head
 * and the tail are kept, where instructions and conclusions usually are. Returned unchanged
 * when it already fits.
 */
export function cutMiddle(
  text: string,
  { maxTokens, counter, headShare = 0.5, tokens, what = 'text', keepWhole }: CutMiddleOptions,
): string {
  const total = tokens ?? counter.countText(text);
  if (total <= maxTokens) return text;
  const marker = (omitted: number) =>
    `\n[… ${omitted} of ${text.length} characters of ${what} cut here to fit the context window …]\n`;
  const markerTokens = counter.countText(marker(text.length));
  let budget = maxTokens - markerTokens;
  let spans: KeptWhole | undefined;
  // Joining head, marker and tail can merge or split a token at the seams: check and shrink.
  for (let round = 0; round < 4 && budget > 0; round++) {
    const headBudget = Math.floor(budget * headShare);
    let head = prefixWithinTokens(text, headBudget, counter);
    let tail = suffixWithinTokens(text, budget - headBudget, counter);
    spans ??= keepWhole?.(text) ?? [];
    if (spans.length > 0) {
      // Shorter only: a head ends before a stretch it would cut, a tail starts after it.
      head = text.slice(0, cutOutside(head.length, spans, 'before'));
      const tailStart = cutOutside(text.length - tail.length, spans, 'after');
      tail = tailStart >= text.length ? '' : text.slice(tailStart);
    }
    const result = head + marker(text.length - head.length - tail.length) + tail;
    if (counter.countText(result) <= maxTokens) return result;
    budget -= Math.max(2, Math.ceil(budget * 0.02));
  }
  const bare = marker(text.length);
  return counter.countText(bare) <= maxTokens ? bare : '';
}
