/**
 * True when `text` is a whole number written in decimal digits. `Number()` alone takes `''`
 * as 0, `0x1F90` as 8080 and `1e1` as 10: a flag should mean what it reads as.
 */
export function isWholeNumberText(text: string | undefined): boolean {
  return text !== undefined && /^\d+$/.test(text);
}
