import { canonicalJson } from '../cache/canonical-json';

/**
 * Characters that change how text looks without being seen: DEL and the C1 controls, the
 * soft hyphen, zero-width spaces and joiners, the bidirectional marks, overrides and
 * isolates, line and paragraph separators, invisible operators, Hangul fillers and the byte
 * order mark. (`JSON.stringify` already escapes the C0 controls.)
 */
const invisible =
  /[\u007f-\u009f\u00ad\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\u3164\ufeff\uffa0\ufff9-\ufffb]/g;

/**
 * `value` as canonical JSON in which every invisible or reordering character is written as
 * a `\uXXXX` escape: still JSON for the same value, but what a person reads is what it holds —
 * `alice@examp\u200ble.com` does not pass for `alice@example.com`, and a right-to-left
 * override cannot show an address backwards.
 *
 * @example
 * ```ts
 * visibleJson({ to: 'alice@examp\u200ble.com' }); // '{"to":"alice@examp\\u200ble.com"}'
 * ```
 */
export function visibleJson(value: unknown): string {
  return canonicalJson(value).replace(
    invisible,
    (character) => `\\u${character.codePointAt(0)!.toString(16).padStart(4, '0')}`,
  );
}
