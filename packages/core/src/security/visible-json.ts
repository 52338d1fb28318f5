import { type CanonicalJsonOptions, canonicalJson } from '../cache/canonical-json';

/**
 * Characters that change how text looks without being seen: every code point Unicode says
 * to render as nothing (`Default_Ignorable_Code_Point`: zero-width spaces and joiners, the
 * bidirectional marks, overrides and isolates, the soft hyphen, variation selectors, the tag
 * characters that spell hidden ASCII, Hangul fillers, the byte order mark…), the C1 controls
 * and DEL, line and paragraph separators, and the interlinear annotation marks. A hand-picked
 * list missed the tag characters: a whole hidden sentence passed through unescaped.
 * (`JSON.stringify` already escapes the C0 controls.)
 */
const invisible = /[\p{Default_Ignorable_Code_Point}\p{Cc}\u2028\u2029\ufff9-\ufffb]/gu;

/**
 * Letters drawn like Latin ones: fullwidth forms and mathematical letters and digits
 * (`ｐａｙ`, `𝐩𝐚𝐲`). Always escaped: nobody writes an address or an amount with them.
 */
const latinLookalike = /[\uff01-\uff5e]|\ud835[\udc00-\udfff]/g;

/** Scripts with letters a reader takes for Latin ones (`а`, `ο`, `ս`, `Ꭺ`). */
const confusableLetter =
  /[\p{Script=Cyrillic}\p{Script=Greek}\p{Script=Armenian}\p{Script=Cherokee}]/gu;
const latinLetter = /\p{Script=Latin}/u;

/**
 * A run of JSON text between spaces, JSON's punctuation and its escapes (a word, an address,
 * a URL), or one escape: `\n` in `Москва\nРоссия` is not a Latin letter of either word.
 */
const token = /\\(?:u[\da-fA-F]{4}|.)|[^\s"{}[\],:\\]+/g;

/** `character` as a JSON escape (two for a character outside the basic plane). */
function escaped(character: string): string {
  let out = '';
  for (let index = 0; index < character.length; index++) {
    out += `\\u${character.charCodeAt(index).toString(16).padStart(4, '0')}`;
  }
  return out;
}

/**
 * `value` as canonical JSON in which every character that makes text look other than it is
 * is written as a `\uXXXX` escape: still JSON for the same value, but what a person reads is
 * what it holds.
 * - Invisible and reordering characters: `alice@examp\u200ble.com` does not pass for
 *   `alice@example.com`, and a right-to-left override cannot show an address backwards.
 * - Look-alike letters: a Cyrillic, Greek, Armenian or Cherokee letter in a word that also
 *   holds Latin letters (`pаypal.com` with a Cyrillic `а` reads `p\u0430ypal.com`), and
 *   fullwidth or mathematical letters anywhere. Text wholly in those scripts is left alone.
 *
 * `options.onLossy` refuses values JSON cannot write as they are (see `canonicalJson`): an
 * approval prompt must not show `{}` for a `Map`.
 *
 * @example
 * ```ts
 * visibleJson({ to: 'alice@examp\u200ble.com' }); // '{"to":"alice@examp\\u200ble.com"}'
 * ```
 */
export function visibleJson(value: unknown, options?: CanonicalJsonOptions): string {
  // Look-alikes first, while invisible characters are still part of the words they hide in.
  return canonicalJson(value, options)
    .replace(token, (word) =>
      word[0] !== '\\' && latinLetter.test(word) ? word.replace(confusableLetter, escaped) : word,
    )
    .replace(latinLookalike, escaped)
    .replace(invisible, escaped);
}
