import { describe, expect, it } from 'vitest';
import { estimateTextTokens } from './estimate-text-tokens';

describe('estimateTextTokens', () => {
  it('counts a short English word as one token and an empty text as none', () => {
    expect(estimateTextTokens('')).toBe(0);
    expect(estimateTextTokens('hello')).toBe(1);
    expect(estimateTextTokens('hello world')).toBe(2);
  });

  it('counts digits in groups of three, as the encodings split them', () => {
    expect(estimateTextTokens('123')).toBe(1);
    expect(estimateTextTokens('1234567')).toBe(3);
  });

  it('prices digits outside ASCII at 2 each (a token a byte in cl100k_base), full-width ones at 1', () => {
    // Arabic-Indic digits were priced at 1 each and took 2 in cl100k_base.
    expect(estimateTextTokens('١٢٣٤٥')).toBe(10);
    expect(estimateTextTokens('१२३')).toBe(6);
    expect(estimateTextTokens('０９０')).toBe(3);
  });

  it('prices Arabic letters at 1 each and Hebrew letters at 1.1, as cl100k_base takes them', () => {
    // Priced like Cyrillic letters (0.75), Arabic and Hebrew prose was estimated under its count.
    expect(estimateTextTokens('مرحبا')).toBe(5);
    expect(estimateTextTokens('שלום')).toBe(5);
    // The letters Urdu adds take a token a byte.
    expect(estimateTextTokens('ہے')).toBe(4);
  });

  it('prices random-looking letters and CJK higher than English words', () => {
    expect(estimateTextTokens('qZxWvKpRtY')).toBeGreaterThanOrEqual(7);
    expect(estimateTextTokens('招标包括六百米码头')).toBeGreaterThanOrEqual(9);
  });

  it('errs high on ordinary English against known cl100k counts', () => {
    // "tiktoken is great!" is 6 tokens in cl100k_base (OpenAI cookbook).
    expect(estimateTextTokens('tiktoken is great!')).toBeGreaterThanOrEqual(6);
  });

  it('grows with the text, so a million-word text is a million-token estimate', () => {
    expect(estimateTextTokens('word '.repeat(1_000_000))).toBeGreaterThanOrEqual(1_000_000);
  });

  it('prices combining marks and rare or random-looking letters at a token per byte', () => {
    // Decomposed (NFD) "Việt" is V, i, e, two combining marks, t: 3 + 2 × 2 bytes past ASCII.
    expect(estimateTextTokens('Vie\u0323\u0302t')).toBeGreaterThanOrEqual(5);
    expect(estimateTextTokens('a\u0301\u0302\u0303\u0304')).toBeGreaterThanOrEqual(8);
    // A case change inside a Cyrillic word, or a long one, looks random; a plain word does not.
    expect(estimateTextTokens('жЖжЖжЖ')).toBe(12);
    expect(estimateTextTokens('привет')).toBe(5);
    // Armenian is a script the encodings saw little of: 2 bytes, 2 tokens a letter.
    expect(estimateTextTokens('բարեւ')).toBe(10);
  });
});
