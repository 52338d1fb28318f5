/** A pattern whose matches are redacted, with the label that replaces them. */
export interface RedactionPattern {
  /** Shown in the replacement: `[REDACTED:<name>]`. */
  name: string;
  /** What to find. Matched globally whatever its flags. */
  pattern: RegExp;
  /** Checks a match before it is redacted (a checksum, say); every match when absent. */
  accept?: ((match: string) => boolean) | undefined;
}

/** The built-in personal-data patterns, by name. */
export type PiiPatternName = 'email' | 'phone' | 'credit-card' | 'us-ssn' | 'iban';

/**
 * A digit as the patterns take it: ASCII or full-width (`０`–`９`), which Japanese and Chinese
 * input methods type by default — `０９０－１２３４－５６７８` is a phone number too.
 */
const digit = '[0-9\\uff10-\\uff19]';
/** Not just after a digit: where a number starts. */
const numberStart = '(?<![0-9\\uff10-\\uff19])';
/**
 * Not just after a digit or an ASCII letter: `\\b` before a digit, full-width digits
 * included (`\\b` sees none, nor a boundary between one and a letter).
 */
const wordStart = '(?<![0-9A-Za-z_\\uff10-\\uff19])';
/** Not just before a digit or an ASCII letter: `\\b` after a digit, full-width ones included. */
const wordEnd = '(?![0-9A-Za-z_\\uff10-\\uff19])';

/** The digits of `text`, full-width ones as ASCII. */
function digitsOf(text: string): string {
  return text
    .replace(/[^0-9\uff10-\uff19]/g, '')
    .replace(/[\uff10-\uff19]/g, (wide) => String.fromCharCode(wide.charCodeAt(0) - 0xfee0));
}

/** The phone number shapes: international, with an area code in brackets, or domestic. */
const phonePattern = (() => {
  const d = digit;
  // A hyphen, a dot or a space, or the dashes and the long-vowel mark (ー) typed for one.
  const sep = '[\\s.\\-\\u2010\\u2212\\uff0d\\u30fc]';
  const open = '[(\\uff08]';
  const close = '[)\\uff09]';
  const international = `[+\\uff0b]${d}{1,3}${sep}?(?:${open}${d}{1,4}${close}${sep}?)?${d}{1,4}(?:${sep}?${d}{2,4}){1,4}`;
  // (555) 123-4567, (03)1234-5678, (02)2345-6789.
  const bracketed = `${open}${d}{2,5}${close}\\s?${d}{2,4}${sep}${d}{4}`;
  // 555-123-4567 (North America); 03-1234-5678, 090-1234-5678, 0120-123-456 (a trunk 0, as
  // in Japan, China, Europe); 138-1234-5678 (a Chinese mobile).
  const northAmerican = `${wordStart}${d}{3}[.\\-]${d}{3}[.\\-]${d}{4}`;
  const trunk = `${numberStart}[0\\uff10]${d}{1,4}${sep}${d}{1,4}${sep}${d}{3,4}`;
  const chineseMobile = `${numberStart}[1\\uff11][3-9\\uff13-\\uff19]${d}${sep}${d}{4}${sep}${d}{4}`;
  return new RegExp(
    `(?:${international}|${bracketed}|${northAmerican}|${trunk}|${chineseMobile})${wordEnd}`,
    'g',
  );
})();

/**
 * A phone number's digit count is 8 to 15 (E.164); a domestic one with a trunk 0 has 10 or
 * more, so a date such as 01-02-2024 is not one.
 */
function isPhoneNumber(match: string): boolean {
  const digits = digitsOf(match);
  if (digits.length < 8 || digits.length > 15) return false;
  const domestic = /^[(\uff08]?[0\uff10]/.test(match);
  return !domestic || digits.length >= 10;
}

/** True when the digits of `text` pass the Luhn checksum card numbers carry. */
function passesLuhn(text: string): boolean {
  const digits = digitsOf(text);
  if (digits.length < 13 || digits.length > 19) return false;
  let sum = 0;
  for (let index = 0; index < digits.length; index++) {
    let digit = Number(digits[digits.length - 1 - index]);
    if (index % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/** True when `text` is an IBAN whose mod-97 check holds. */
function passesIbanCheck(text: string): boolean {
  const compact = text.replace(/\s/g, '').toUpperCase();
  if (compact.length < 15 || compact.length > 34) return false;
  const rearranged = compact.slice(4) + compact.slice(0, 4);
  let remainder = 0;
  for (const character of rearranged) {
    const value = /\d/.test(character) ? character : String(character.charCodeAt(0) - 55);
    for (const digit of value) remainder = (remainder * 10 + Number(digit)) % 97;
  }
  return remainder === 1;
}

/** A character of an e-mail address's local part (before the `@`). */
const localCharacter = '[A-Za-z0-9._%+-]';
/** Anything else but an `@`: what separates two runs of local-part characters. */
const separator = '[^A-Za-z0-9._%+@-]';
const domain = '[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}';

/**
 * An e-mail address or, where none starts, a stretch of text with no `@` (which `accept`
 * turns down) up to the next run of local-part characters followed by an `@`. Matching only
 * the address, the engine began an attempt at every character of a run and read to its end
 * each time: quadratic, 8 s for 100,000 letters in a tool output. Taken whole, each run is
 * read a bounded number of times, and the addresses found are the same: an address can
 * start inside a run only where one starting at the run's first character ends at the same
 * `@`, and is found from there.
 */
const emailOrStretch = new RegExp(
  `${localCharacter}+@${domain}|${localCharacter}+(?:${separator}+${localCharacter}+(?!${localCharacter}|@))*`,
  'g',
);

/**
 * Personal data the redactor recognises by shape. Each is written to miss the identifiers a
 * run is full of (hashes, ids, timestamps): phone numbers need a `+` or separators, card
 * numbers and IBANs must pass their checksums. Phone and card numbers are found in
 * full-width digits too (`０９０－１２３４－５６７８`), and phone numbers in the domestic
 * shapes of Japan, China and Europe (`03-1234-5678`, `090-1234-5678`, `138 1234 5678`). Each runs in time linear in the text (a tool
 * output is whatever a page or a server chose to send); use each with its `accept`.
 */
export const piiPatterns: Readonly<Record<PiiPatternName, RedactionPattern>> = {
  email: {
    name: 'email',
    pattern: emailOrStretch,
    accept: (match) => match.includes('@'),
  },
  phone: {
    name: 'phone',
    pattern: phonePattern,
    accept: isPhoneNumber,
  },
  'credit-card': {
    name: 'credit-card',
    pattern: new RegExp(
      `${wordStart}${digit}(?:[ \\-\\u3000\\uff0d]?${digit}){12,18}${wordEnd}`,
      'g',
    ),
    accept: passesLuhn,
  },
  'us-ssn': {
    name: 'us-ssn',
    pattern: /\b(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}\b/g,
  },
  iban: {
    name: 'iban',
    pattern: /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b/g,
    accept: passesIbanCheck,
  },
};
