/** Stretches of a text, as `[start, end)` offsets, that a cut must not fall inside. */
export type KeptWhole = readonly (readonly [number, number])[];

/**
 * `cut` moved out of every stretch it falls inside: back to the stretch's start (`'before'`,
 * the end of a kept head) or on to its end (`'after'`, the start of a kept tail). Moved until
 * no stretch is cut, since moving past one can land inside another that overlaps it. A cut is
 * only ever moved to keep less, so a cut text stays within its budget.
 */
export function cutOutside(cut: number, spans: KeptWhole, side: 'before' | 'after'): number {
  for (let moved = true; moved; ) {
    moved = false;
    for (const [start, end] of spans) {
      if (start < cut && cut < end) {
        cut = side === 'before' ? start : end;
        moved = true;
      }
    }
  }
  return cut;
}
