import { headOf } from '@agentchart/core/internal';

/**
 * Characters a terminal acts on instead of showing: C0 controls (ESC starts ANSI and OSC
 * sequences, CR and LF start lines), DEL, C1 controls (CSI, OSC as single bytes), the line
 * and paragraph separators; and those it draws as nothing, which make text look other than
 * it is: every code point Unicode says to render as nothing (`Default_Ignorable_Code_Point`:
 * the bidirectional marks, overrides and isolates that reorder what is shown — the "Trojan
 * Source" characters —, zero-width spaces and joiners, the tag characters that spell hidden
 * ASCII, variation selectors, Hangul fillers, the byte order mark…) and the interlinear
 * annotation marks. The same set core's approval prompts (`visibleJson`) and the studio
 * escape: a hand-picked list missed the zero-width space and the tag characters, so
 * `order\u200b-1` was printed as `order-1`, another thread.
 */
const unsafe = /[\p{Default_Ignorable_Code_Point}\p{Cc}\u2028\u2029\ufff9-\ufffb]/gu;

const named: Readonly<Record<string, string>> = {
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\u001b': '\\e',
};

/**
 * `text` made safe to print: every character a terminal would act on (an escape sequence
 * that recolours or retitles it, a newline that starts a fake row) is written out visibly
 * instead, as `\n`, `\e` or `\u202e`. Anything read from a run database, and any message
 * that may quote it, goes through this before it reaches the terminal.
 *
 * @example
 * ```ts
 * terminalSafe('evil\u001b]0;owned\u0007\nfake  done'); // 'evil\\e]0;owned\\u0007\\nfake  done'
 * ```
 */
export function terminalSafe(text: string): string {
  return text.replace(unsafe, (character) => {
    const name = named[character];
    if (name !== undefined) return name;
    const codePoint = character.codePointAt(0)!.toString(16);
    return codePoint.length > 4 ? `\\u{${codePoint}}` : `\\u${codePoint.padStart(4, '0')}`;
  });
}

/**
 * The characters {@link terminalSafe} writes out that `JSON.stringify` leaves as they are (it
 * escapes the C0 controls inside strings; the line breaks of indented JSON are its own).
 */
const unsafeInJson = /[\p{Default_Ignorable_Code_Point}\u007f-\u009f\u2028\u2029\ufff9-\ufffb]/gu;

/**
 * `value` as JSON that is safe to print (one line, or indented by `indent` spaces): `JSON.stringify` escapes C0 controls but
 * leaves DEL, the C1 controls (a single-byte CSI recolours a terminal), the bidirectional
 * overrides and the characters drawn as nothing as they are; these are written as `\uXXXX`
 * escapes too, so the JSON parses to the
 * same value and a terminal shows it without acting on it.
 *
 * @example
 * ```ts
 * jsonForTerminal({ text: '\u009b31m' }); // '{"text":"\\u009b31m"}'
 * ```
 */
export function jsonForTerminal(value: unknown, indent?: number): string {
  return (JSON.stringify(value, null, indent) ?? 'null').replace(unsafeInJson, (character) => {
    // A character outside the basic plane (a tag character) as its two UTF-16 escapes.
    let out = '';
    for (let index = 0; index < character.length; index++) {
      out += `\\u${character.charCodeAt(index).toString(16).padStart(4, '0')}`;
    }
    return out;
  });
}

/**
 * A writer for one line per write: what is written is printed with {@link terminalSafe}, but
 * for its final line break. A line break inside the text (a message quoting a page) is shown
 * as `\n`, so it cannot start a row that looks like the command's own.
 */
export function terminalWriter(out: { write(text: string): unknown }): {
  write(text: string): unknown;
} {
  return {
    write: (text) =>
      out.write(text.endsWith('\n') ? `${terminalSafe(text.slice(0, -1))}\n` : terminalSafe(text)),
  };
}

/** Characters a terminal draws two columns wide: East Asian wide and full-width forms. */
const wide =
  /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u{20000}-\u{3fffd}]/u;
/** Emoji, drawn two columns wide, sequences (`👨‍👩‍👧`, `🇯🇵`) as one. */
const emoji = /\p{Extended_Pictographic}|\p{Regional_Indicator}/u;
/** Characters drawn on the one before: combining marks. */
const zeroWidth = /^[\p{M}\p{Default_Ignorable_Code_Point}]+$/u;
const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * The columns a terminal draws `text` in: two for an East Asian wide character and an emoji
 * (a sequence of them joined, or a flag, as one), none for combining marks, one for the rest.
 * What aligns a table whose cells are not all ASCII; `text.length` counted `注文` as 2 and
 * `👨‍👩‍👧‍👦` as 11.
 */
export function displayWidth(text: string): number {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the common case, only ASCII.
  if (/^[\u0000-\u007f]*$/.test(text)) return text.length;
  let columns = 0;
  for (const { segment } of graphemes.segment(text)) {
    if (emoji.test(segment) || wide.test(segment)) columns += 2;
    else if (!zeroWidth.test(segment)) columns += 1;
  }
  return columns;
}

/**
 * The first `max` UTF-16 units of `text` for a table cell or a message, ending in `…` when
 * cut; a cut never splits a character (an emoji) into halves a terminal shows as `�`.
 */
export function previewOf(text: string, max: number): string {
  return text.length <= max ? text : `${headOf(text, max - 1)}…`;
}
