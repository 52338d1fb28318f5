/** A pattern whose matches are redacted, with the label that replaces them. */
export interface RedactionPattern {
  /** Shown in the replacement: `[REDACTED:<name>]`. */
  name: string;
  /** What to find. Matched globally whatever its flags. */
  pattern: RegExp;
  /** Checks a match before it is redacted (a checksum, say); every match when absent. */
  accept?: (match: string) => boolean;
}

/** The built-in personal-data patterns, by name. */
export type PiiPatternName = 'email' | 'phone' | 'credit-card' | 'us-ssn' | 'iban';

/** True when the digits of `text` pass the Luhn checksum card numbers carry. */
function passesLuhn(text: string): boolean {
  const digits = text.replace(/\D/g, '');
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
 * numbers and IBANs must pass their checksums. Each runs in time linear in the text (a tool
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
    pattern:
      /(?:\+\d{1,3}[\s.-]?(?:\(\d{1,4}\)[\s.-]?)?\d{1,4}(?:[\s.-]?\d{2,4}){1,4}|\(\d{3}\)\s?\d{3}[\s.-]\d{4}|\b\d{3}[.-]\d{3}[.-]\d{4})\b/g,
    accept: (match) => {
      const digits = match.replace(/\D/g, '').length;
      return digits >= 8 && digits <= 15;
    },
  },
  'credit-card': {
    name: 'credit-card',
    pattern: /\b\d(?:[ -]?\d){12,18}\b/g,
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
