const wordPattern = /[\p{L}\p{N}]+/gu;
const combiningMarks = /\p{M}/gu;

/**
 * Splits text into search terms: Unicode letters and digits, lower-cased, accents removed
 * ("Café" and "cafe" match), each term at most 64 characters.
 */
export function tokenizeText(text: string): string[] {
  const folded = text.normalize('NFKD').replace(combiningMarks, '').toLowerCase();
  return (folded.match(wordPattern) ?? []).map((term) => term.slice(0, 64));
}
