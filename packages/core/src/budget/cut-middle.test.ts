import { describe, expect, it } from 'vitest';
import { estimateTokenCounter } from './create-token-counter';
import { cutMiddle } from './cut-middle';
import { wordCounter, words } from './testing/word-counter';

describe('cutMiddle', () => {
  it('returns text that fits unchanged', () => {
    expect(cutMiddle('a b c', { maxTokens: 3, counter: wordCounter })).toBe('a b c');
  });

  it('keeps the head and the tail within the budget and marks the cut', () => {
    const text = words(1_000);
    const cut = cutMiddle(text, { maxTokens: 100, counter: wordCounter });
    expect(wordCounter.countText(cut)).toBeLessThanOrEqual(100);
    expect(cut.startsWith('w0 w1')).toBe(true);
    expect(cut.endsWith('w998 w999')).toBe(true);
    expect(cut).toMatch(/characters of text cut here to fit the context window/);
  });

  it('follows headShare', () => {
    const cut = cutMiddle(words(1_000), { maxTokens: 100, counter: wordCounter, headShare: 0.9 });
    const [head = '', tail = ''] = cut.split(/\n\[…[^\]]*\]\n/);
    expect(wordCounter.countText(head)).toBeGreaterThan(wordCounter.countText(tail) * 3);
  });

  it('never splits a surrogate pair', () => {
    const cut = cutMiddle('🎉'.repeat(5_000), { maxTokens: 200, counter: estimateTokenCounter });
    expect(cut).not.toMatch(
      /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/,
    );
    expect(estimateTokenCounter.countText(cut)).toBeLessThanOrEqual(200);
  });
});
