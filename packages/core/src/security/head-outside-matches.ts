import { cutOutside } from '../budget/cut-outside';
import { headOf, wholeCut } from '../text/whole-characters';
import type { Redactor } from './create-redactor';

/** How far either side of a cut a match is looked for; longer secrets are not expected. */
const matchWindowCharacters = 2_000;

/**
 * The first `maxCharacters` of `text`, or fewer: a cut that would fall inside one of the
 * redactor's matches (a secret, a pattern) moves to the match's start, dropping it whole.
 * Caps run before redaction (it is applied where a value is stored or emitted), and a part
 * of a secret is no longer recognised by it: cut through, its head would be stored as it is.
 * Matches are looked for around the cut only, so a 20 MB text is not scanned whole.
 */
export function headOutsideMatches(
  text: string,
  maxCharacters: number,
  redactor: Pick<Redactor, 'spans'> | undefined,
): string {
  if (text.length <= maxCharacters) return text;
  if (!redactor) return headOf(text, maxCharacters);
  const from = Math.max(0, maxCharacters - matchWindowCharacters);
  const spans = redactor
    .spans(text.slice(from, maxCharacters + matchWindowCharacters))
    .map(([start, end]) => [from + start, from + end] as const);
  return text.slice(0, wholeCut(text, cutOutside(maxCharacters, spans, 'before')));
}
