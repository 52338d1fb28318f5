/**
 * Pieces the way OpenAI's encodings pre-split text (cl100k_base, o200k_base): a letter run
 * with one leading non-letter, up to three digits, a punctuation run, a whitespace run.
 */
const piecePattern =
  /([^\r\n\p{L}\p{M}\p{N}]?[\p{L}\p{M}]+)|(\p{N}{1,3})|( ?[^\s\p{L}\p{M}\p{N}]+[\r\n]*)|(\s+)/gu;
const letterPattern = /[\p{L}\p{M}]/u;
const asciiLetters = /^[A-Za-z]+$/;
const caseChange = /[a-z][A-Z]/;
const vowel = /[aeiouyAEIOUY]/;

/**
 * A conservative estimate of the tokens `text` takes in OpenAI's encodings, with no
 * tokenizer: it splits text the way the encodings do and prices each piece (a short English
 * word 1 token, a long one 1 per 3.5 letters, random-looking letters 1 per 1.5, two-byte
 * letters 0.75 each, CJK and other three-byte letters 1.8 each, punctuation 1 per 2
 * characters, digits 1 per group of 3, whitespace 1 per 4).
 *
 * Measured against the larger of the cl100k_base and o200k_base counts with
 * `packages/tokenizer/scripts/estimator-accuracy.ts`: it errs high on English prose (+47%),
 * TypeScript (+56%), JSON (+30%), YAML (+7%) and on German, French, Russian, Arabic, Hindi,
 * Chinese, Japanese, Korean and emoji (+3% to +69%); it errs low on random strings — hex,
 * base64 and UUIDs by 3–5%, random printable ASCII by 19%. It is an estimate, not a bound:
 * for exact counts use `@agentchart/tokenizer`; the context planner keeps a 5% safety margin
 * when the counter is not exact.
 */
export function estimateTextTokens(text: string): number {
  let tokens = 0;
  for (const match of text.matchAll(piecePattern)) {
    if (match[1] !== undefined) tokens += wordTokens(match[1]);
    else if (match[2] !== undefined) tokens += 1;
    else if (match[3] !== undefined) tokens += Math.ceil(symbolTokens(match[3]));
    else tokens += Math.ceil((match[4]?.length ?? 0) / 4);
  }
  return tokens;
}

function wordTokens(piece: string): number {
  // The optional leading character (a space, a quote) merges with the word in the encodings.
  const word = letterPattern.test(piece[0] ?? '') ? piece : piece.slice(1);
  if (asciiLetters.test(word)) {
    const random = caseChange.test(word) || (word.length > 3 && !vowel.test(word));
    if (random) return Math.ceil(word.length / 1.5);
    return word.length <= 6 ? 1 : Math.ceil(word.length / 3.5);
  }
  let tokens = 0;
  for (const character of word) {
    const bytes = utf8Bytes(character.codePointAt(0) ?? 0);
    tokens += bytes === 1 ? 1 / 3.5 : bytes === 2 ? 0.75 : bytes * 0.6;
  }
  return Math.ceil(tokens);
}

function symbolTokens(piece: string): number {
  let tokens = 0;
  for (const character of piece) {
    const bytes = utf8Bytes(character.codePointAt(0) ?? 0);
    tokens += bytes === 1 ? 0.5 : bytes * 0.75;
  }
  return tokens;
}

function utf8Bytes(codePoint: number): number {
  if (codePoint < 0x80) return 1;
  if (codePoint < 0x800) return 2;
  if (codePoint < 0x10000) return 3;
  return 4;
}
