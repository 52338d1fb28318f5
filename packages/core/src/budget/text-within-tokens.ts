import { sliceWhole } from '../text/whole-characters';
import type { TokenCounter } from './token-counter';

/** Characters a token spans at most on average in ordinary text, for the first guess. */
const firstGuessCharsPerToken = 4;

/**
 * The longest start of `text` (cut at a character boundary) that takes at most `maxTokens`,
 * found by counting slices only — never the whole text, so a 10 MB string costs what its
 * kept part costs.
 */
export function prefixWithinTokens(text: string, maxTokens: number, counter: TokenCounter): string {
  return sliceWithin(text, maxTokens, counter, (length) => sliceWhole(text, 0, length));
}

/** The longest end of `text` that takes at most `maxTokens` (see {@link prefixWithinTokens}). */
export function suffixWithinTokens(text: string, maxTokens: number, counter: TokenCounter): string {
  return sliceWithin(text, maxTokens, counter, (length) =>
    sliceWhole(text, text.length - length, text.length),
  );
}

function sliceWithin(
  text: string,
  maxTokens: number,
  counter: TokenCounter,
  slice: (length: number) => string,
): string {
  if (maxTokens <= 0 || text.length === 0) return '';
  let length = Math.min(text.length, maxTokens * firstGuessCharsPerToken);
  let best = '';
  // Grow while the slice is well under budget, shrink while it is over: a few counts suffice.
  for (let round = 0; round < 12; round++) {
    const candidate = slice(length);
    const tokens = counter.countText(candidate);
    if (tokens <= maxTokens) {
      if (candidate.length > best.length) best = candidate;
      if (length >= text.length || tokens >= maxTokens * 0.97) break;
      length = Math.min(text.length, Math.floor((length * maxTokens) / Math.max(tokens, 1)));
    } else {
      length = Math.floor((length * maxTokens * 0.97) / tokens);
    }
    if (length <= best.length) break;
  }
  return best;
}
