/**
 * Cuts that never split a UTF-16 surrogate pair. A character outside the Basic Multilingual
 * Plane (an emoji, a rarer CJK ideograph, a flag's halves) is two UTF-16 units; a cut between
 * them leaves a lone surrogate, which UTF-8 cannot encode: a stored or printed text would
 * carry U+FFFD, or a strict JSON reader would refuse it.
 */

/** `text.slice(start, end)`, each end moved inward off the middle of a pair. */
export function sliceWhole(text: string, start: number, end: number): string {
  let from = Math.max(0, start);
  let to = Math.min(text.length, end);
  if (from > 0 && isLowSurrogate(text.charCodeAt(from))) from++;
  if (to < text.length && to > 0 && isLowSurrogate(text.charCodeAt(to))) to--;
  return text.slice(from, Math.max(from, to));
}

/** The first `maxUnits` UTF-16 units of `text`, one fewer when the cut would split a pair. */
export function headOf(text: string, maxUnits: number): string {
  return text.length <= maxUnits ? text : sliceWhole(text, 0, maxUnits);
}

/** `cut` (a position in `text`), moved back off the middle of a pair. */
export function wholeCut(text: string, cut: number): number {
  return cut > 0 && cut < text.length && isLowSurrogate(text.charCodeAt(cut)) ? cut - 1 : cut;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
