/** Character classes of the pre-split (code points): letters and marks, numbers, whitespace, the rest. */
const other = 0;
const letter = 1;
const number = 2;
const space = 3;

const letterOrMarkPattern = /[\p{L}\p{M}]/u;
const numberPattern = /\p{N}/u;
const spacePattern = /\s/u;

function classify(codePoint: number): number {
  const character = String.fromCodePoint(codePoint);
  if (letterOrMarkPattern.test(character)) return letter;
  if (numberPattern.test(character)) return number;
  if (spacePattern.test(character)) return space;
  return other;
}

/** Classes of the Basic Multilingual Plane, plus one, filled in as characters are met (0: not yet). */
const bmpClasses = new Uint8Array(0x10000);
for (let codePoint = 0; codePoint < 0x80; codePoint++) {
  bmpClasses[codePoint] = classify(codePoint) + 1;
}
/** The class of a code point; those beyond the Basic Multilingual Plane (emoji, rare scripts) are not cached. */
function classOf(codePoint: number): number {
  if (codePoint >= 0x10000) return classify(codePoint);
  const known = bmpClasses[codePoint]!;
  if (known !== 0) return known - 1;
  const found = classify(codePoint);
  bmpClasses[codePoint] = found + 1;
  return found;
}

/** A letter run of more non-ASCII letters than this is priced as random letters. */
const longWord = 12;
const markPattern = /\p{M}/u;
const upperPattern = /\p{Lu}/u;
const known = 1;
const mark = 2;
const upper = 4;
const common = 8;

/**
 * Letters of the scripts the encodings learnt from plenty of text, which merge into words:
 * Latin with diacritics, Greek, Cyrillic, Hebrew, Arabic and Persian, Devanagari, Thai,
 * Vietnamese, kana, CJK ideographs and Hangul syllables.
 */
const commonLetters: readonly (readonly [number, number])[] = [
  [0x00c0, 0x024f],
  [0x0386, 0x03ce],
  [0x0400, 0x045f],
  [0x05d0, 0x05ea],
  [0x0620, 0x064a],
  // The letters Persian adds that the encodings merge. The ones Urdu adds (ٹ ڈ ڑ ں ھ ہ ے,
  // and چ ژ) take a token a byte in cl100k_base, like rare letters.
  [0x067e, 0x067e],
  [0x06a9, 0x06a9],
  [0x06af, 0x06af],
  [0x06cc, 0x06cc],
  [0x0900, 0x097f],
  [0x0e00, 0x0e7f],
  [0x1ea0, 0x1ef9],
  [0x3040, 0x30ff],
  [0x4e00, 0x9fff],
  [0xac00, 0xd7a3],
];

/** Marks, case and commonness of non-ASCII code points in the Basic Multilingual Plane, filled in as met. */
const wideKinds = new Uint8Array(0x10000);
function wideKindOf(codePoint: number): number {
  let kind = codePoint < 0x10000 ? wideKinds[codePoint]! : 0;
  if (kind !== 0) return kind;
  const character = String.fromCodePoint(codePoint);
  kind = known;
  if (markPattern.test(character)) kind |= mark;
  if (upperPattern.test(character)) kind |= upper;
  if (commonLetters.some(([first, last]) => codePoint >= first && codePoint <= last))
    kind |= common;
  if (codePoint < 0x10000) wideKinds[codePoint] = kind;
  return kind;
}

const lineFeed = 0x0a;
const carriageReturn = 0x0d;
const spaceCharacter = 0x20;

/**
 * A conservative estimate of the tokens `text` takes in OpenAI's encodings, with no
 * tokenizer: it splits text the way the encodings do and prices each piece (a short English
 * word 1 token, a long one 1 per 3.5 letters, random-looking letters 1 per 1.5, two-byte
 * letters 0.75 each — Arabic-script ones 1 each, Hebrew ones 1.1 —, CJK and other three-byte
 * letters 1.8 each, punctuation 1 per 2 characters, digits 1 per group of 3, ASCII
 * whitespace 1 per 4, other whitespace 1 each).
 * Combining marks (decomposed text such as NFD Vietnamese) and letters of scripts outside
 * the common ones (the letters Urdu adds to the Arabic script among them) are priced at a
 * token per UTF-8 byte, the most the encodings take; two-byte letters that look random (a
 * case change inside a word, or past the 12th letter of a word) at 2 each, Hangul past the
 * 12th at 2.4, full-width digits at 1 each and other digits outside ASCII (Arabic-Indic,
 * Devanagari …) at 2 each.
 *
 * Measured against the larger of the cl100k_base and o200k_base counts with
 * `packages/tokenizer/scripts/estimator-accuracy.ts`: it errs high on English prose (+49%),
 * TypeScript (+58%), JSON (+30%), YAML (+16%), on German, French, Russian, Arabic, Hindi,
 * Chinese, Japanese, Korean and emoji (+3% to +69%) and on decomposed Vietnamese and
 * combining marks (+10%, +5%); on customer-support messages in Arabic, Persian, Urdu and
 * Hebrew (+3% to +26%), Japanese and Chinese (+42% to +54%); it errs low on random strings
 * — hex, base64 and UUIDs by 3–5%, random printable ASCII by 19%, random code points across
 * Unicode by 7% (3% high against o200k_base), random letters of one script by up to 14%
 * against o200k_base (Arabic, Hebrew, CJK) and more against cl100k_base (a string of rare
 * kanji, as in Japanese names, by 31%). It is an estimate, not a bound: for exact counts use
 * `@agentchart/tokenizer`; the context planner keeps a 5% safety margin when the counter is
 * not exact.
 */
export function estimateTextTokens(text: string): number {
  return new PieceScanner(text).count();
}

const isAsciiLetter = (unit: number) =>
  (unit >= 0x41 && unit <= 0x5a) || (unit >= 0x61 && unit <= 0x7a);
/** a e i o u y, either case. */
const isVowel = (unit: number) => {
  const lower = unit | 0x20;
  return (
    lower === 0x61 ||
    lower === 0x65 ||
    lower === 0x69 ||
    lower === 0x6f ||
    lower === 0x75 ||
    lower === 0x79
  );
};

/**
 * One pass over a text's code points, piece by piece. The pieces are the ones the pattern
 * /([^\r\n\p{L}\p{M}\p{N}]?[\p{L}\p{M}]+)|(\p{N}{1,3})|( ?[^\s\p{L}\p{M}\p{N}]+[\r\n]*)|(\s+)/gu
 * finds — a letter run with one leading non-letter, up to three digits, a punctuation run,
 * a whitespace run — tried in that order at each piece's start; each is priced as it is read.
 */
class PieceScanner {
  /** Where the next piece starts, in UTF-16 units. */
  #at = 0;

  constructor(private readonly text: string) {}

  count(): number {
    const { text } = this;
    const length = text.length;
    let tokens = 0;
    while (this.#at < length) {
      const start = this.#at;
      const codePoint = text.codePointAt(start)!;
      const kind = classOf(codePoint);
      const next = start + (codePoint > 0xffff ? 2 : 1);
      if (kind === letter) {
        tokens += this.#word(start);
      } else if (kind === number) {
        tokens += this.#digits(start);
      } else {
        const following = next < length ? classOf(text.codePointAt(next)!) : -1;
        if (following === letter && codePoint !== lineFeed && codePoint !== carriageReturn) {
          tokens += this.#word(start);
        } else if (kind === other || (codePoint === spaceCharacter && following === other)) {
          tokens += this.#symbols(start);
        } else {
          tokens += this.#spaces(start, next);
        }
      }
    }
    return tokens;
  }

  /**
   * A letter run, with the leading non-letter when there is one: a short English word is 1
   * token, a long one 1 per 3.5 letters, random-looking letters 1 per 1.5; other letters are
   * priced by their UTF-8 size.
   */
  #word(start: number): number {
    const { text } = this;
    const length = text.length;
    // The leading character (a space, a quote) merges with the word in the encodings. It is
    // recognised by the piece's first UTF-16 unit, so half of a leading astral character
    // stays in the word and is priced as a three-byte one, as the estimate always has.
    const from = classOf(text.charCodeAt(start)) === letter ? start : start + 1;
    let at = from;
    let vowel = false;
    let caseChange = false;
    let previous = 0;
    while (at < length) {
      const unit = text.charCodeAt(at);
      if (!isAsciiLetter(unit)) break;
      if (!vowel && isVowel(unit)) vowel = true;
      if (unit <= 0x5a && previous >= 0x61) caseChange = true;
      previous = unit;
      at++;
    }
    if (at > from && (at === length || classOf(text.codePointAt(at)!) !== letter)) {
      this.#at = at;
      const letters = at - from;
      if (caseChange || (letters > 3 && !vowel)) return Math.ceil(letters / 1.5);
      return letters <= 6 ? 1 : Math.ceil(letters / 3.5);
    }
    // Not only ASCII letters: each code point by its UTF-8 size, summed in order so the
    // rounding is the same on every call.
    let tokens = 0;
    // Common non-ASCII letters so far, and the two-byte ones among them priced as words (how
    // many, and the tokens they were priced at).
    let wide = 0;
    let cheap = 0;
    let cheapTokens = 0;
    let afterMark = false;
    let lower = false;
    let random = false;
    at = from;
    while (at < length) {
      const codePoint = text.codePointAt(at)!;
      // The unit after the leading character is read even when it is half a character.
      if (at > from && classOf(codePoint) !== letter) break;
      at += codePoint > 0xffff ? 2 : 1;
      const bytes = utf8Bytes(codePoint);
      if (bytes === 1) {
        // A letter between combining marks (decomposed text, "Zalgo") merges with nothing.
        tokens += afterMark ? 1 : 1 / 3.5;
        afterMark = false;
        continue;
      }
      const kind = wideKindOf(codePoint);
      afterMark = (kind & (mark | common)) === mark;
      if ((kind & common) === 0) {
        // Combining marks and letters of scripts the encodings saw little of: a token a byte,
        // the most a byte-level encoding takes.
        tokens += bytes;
        continue;
      }
      // Lower case then upper case inside a word, or a word longer than words are, is how
      // random letters look; they merge little more than rare ones.
      const isUpper = (kind & upper) !== 0;
      if (!random && isUpper && lower) {
        // The word's letters so far were random too.
        random = true;
        tokens += cheap * 2 - cheapTokens;
      }
      if (wide >= longWord) random = true;
      lower = !isUpper;
      wide++;
      if (bytes === 2) {
        const price = random ? 2 : twoByteWordPrice(codePoint);
        tokens += price;
        if (!random) {
          cheap++;
          cheapTokens += price;
        }
      } else {
        tokens += random && codePoint >= 0xac00 ? 2.4 : 1.8;
      }
    }
    this.#at = at;
    return Math.ceil(tokens);
  }

  /**
   * Digits: a token per group of up to three ASCII digits, a token per full-width digit and
   * two per other digit (Arabic-Indic, Devanagari, Thai …: a token a byte in cl100k_base).
   */
  #digits(start: number): number {
    const { text } = this;
    let at = start;
    let digits = 0;
    let wide = 0;
    while (at < text.length) {
      const codePoint = text.codePointAt(at)!;
      if (classOf(codePoint) !== number) break;
      if (codePoint < 0x80) digits++;
      else wide += codePoint >= 0xff10 && codePoint <= 0xff19 ? 1 : 2;
      at += codePoint > 0xffff ? 2 : 1;
    }
    this.#at = at;
    return Math.ceil(digits / 3) + wide;
  }

  /**
   * A punctuation run (after one space, when there is one) and any CR/LF after it: 0.5 a
   * character of one UTF-8 byte, else 0.75 a byte. Summed in quarters, which every price is
   * a multiple of.
   */
  #symbols(start: number): number {
    const { text } = this;
    const length = text.length;
    let at = start;
    let quarters = 0;
    if (text.charCodeAt(at) === spaceCharacter) {
      quarters += 2;
      at++;
    }
    while (at < length) {
      const codePoint = text.codePointAt(at)!;
      if (classOf(codePoint) !== other) break;
      quarters += codePoint < 0x80 ? 2 : utf8Bytes(codePoint) * 3;
      at += codePoint > 0xffff ? 2 : 1;
    }
    while (at < length) {
      const unit = text.charCodeAt(at);
      if (unit !== lineFeed && unit !== carriageReturn) break;
      quarters += 2;
      at++;
    }
    this.#at = at;
    return Math.ceil(quarters / 4);
  }

  /**
   * A whitespace run (its first character at `start`, the rest from `next`): 1 token per 4
   * ASCII characters, 1 per other character — a no-break space (U+00A0, everywhere in text
   * taken from web pages) or a thin space is a multi-byte character the encodings rarely
   * merge, and priced like ASCII spaces it was counted a third short.
   */
  #spaces(start: number, next: number): number {
    const { text } = this;
    let quarters = text.charCodeAt(start) < 0x80 ? 1 : 4;
    let at = next;
    // Whitespace is in the Basic Multilingual Plane: a code unit is a character.
    while (at < text.length && classOf(text.charCodeAt(at)) === space) {
      quarters += text.charCodeAt(at) < 0x80 ? 1 : 4;
      at++;
    }
    this.#at = at;
    return Math.ceil(quarters / 4);
  }
}

/**
 * The price of a two-byte letter of a word: Hebrew and Arabic letters merge little in
 * cl100k_base (a Hebrew word takes about a token a letter and one more, an Arabic word a
 * token a letter), Latin with diacritics, Greek and Cyrillic letters merge into words.
 */
function twoByteWordPrice(codePoint: number): number {
  if (codePoint >= 0x0590 && codePoint < 0x0600) return 1.1;
  if (codePoint >= 0x0600 && codePoint < 0x0700) return 1;
  return 0.75;
}

function utf8Bytes(codePoint: number): number {
  if (codePoint < 0x80) return 1;
  if (codePoint < 0x800) return 2;
  if (codePoint < 0x10000) return 3;
  return 4;
}
