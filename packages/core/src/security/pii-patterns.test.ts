import { describe, expect, it } from 'vitest';
import { createRedactor } from './create-redactor';
import { piiPatterns } from './pii-patterns';

/** The e-mail addresses `text` holds, as the redactor finds them. */
function emailsIn(text: string): string[] {
  const { pattern, accept } = piiPatterns.email;
  return [...text.matchAll(new RegExp(pattern.source, 'g'))]
    .map(([match]) => match)
    .filter((match) => accept === undefined || accept(match));
}

describe('piiPatterns', () => {
  it('reads a run of characters with no @ after it in one attempt, so its work is linear (ReDoS review finding)', () => {
    // The old pattern began an attempt at each of the run's characters and read to its end
    // every time: 8 s for 100,000 letters. One match over the whole run means no attempt
    // starts inside it; accept turns the match down.
    const { pattern, accept } = piiPatterns.email;
    for (const run of ['a'.repeat(5_000), 'a.'.repeat(2_500), `${'1'.repeat(5_000)}@`]) {
      const match = new RegExp(pattern.source, 'g').exec(run);
      expect(match?.index).toBe(0);
      expect(match?.[0].length).toBe(run.replace(/@$/, '').length);
      expect(accept?.(match![0])).toBe(false);
    }
    // A text of words is read as one stretch up to the next address, not word by word.
    const words = 'a tool output of words, none of them an address; ';
    expect([...words.repeat(100).matchAll(new RegExp(pattern.source, 'g'))].length).toBe(1);
  });

  it('finds the addresses the quadratic pattern found, next to each other and inside runs', () => {
    expect(emailsIn('mail ada.lovelace+work@example.co.uk today')).toEqual([
      'ada.lovelace+work@example.co.uk',
    ]);
    // An address ends where its top-level domain's letters end, and the next one may start
    // right there, inside what looks like one run.
    expect(emailsIn('a@b.com.x@y.org a@b.com1x@y.org')).toEqual([
      'a@b.com',
      '.x@y.org',
      'a@b.com',
      '1x@y.org',
    ]);
    expect(emailsIn('x@y@z.io, @no.pe, no@tld.x, bob@-.io, ..a@b.cd')).toEqual([
      'y@z.io',
      'bob@-.io',
      '..a@b.cd',
    ]);
    expect(emailsIn(`${'a'.repeat(300)}@ ${'b'.repeat(300)}@c.de`)).toEqual([
      `${'b'.repeat(300)}@c.de`,
    ]);
  });
});

describe('createRedactor with the built-in patterns', () => {
  it('redacts a 200,000-character tool output built to backtrack each pattern (ReDoS review finding)', () => {
    // Nothing is timed here but the test's own timeout: the old e-mail pattern took 35 s or
    // more a pass over the first of these (quadratic in the run), a linear pass milliseconds.
    const redactor = createRedactor({
      patterns: ['email', 'phone', 'credit-card', 'us-ssn', 'iban'],
      environment: false,
    });
    const size = 200_000;
    const hostile = [
      'a'.repeat(size),
      '1 '.repeat(size / 2),
      `${'1'.repeat(size / 2)}-${'1'.repeat(size / 2)}`,
      '+1 12'.repeat(size / 5),
      `DE00${' A'.repeat(size / 2)}`,
    ];
    for (const text of hostile) {
      expect(redactor.text(`${text} ada@example.com`)).toBe(`${text} [REDACTED:email]`);
      expect(redactor.spans(`${text} ada@example.com`)).toEqual([
        [text.length + 1, text.length + 16],
      ]);
    }
  });
});

describe('the phone and credit-card patterns beyond North America (issue: PII in Japanese and Chinese text kept)', () => {
  const redactor = createRedactor({ patterns: ['phone', 'credit-card'], environment: false });

  it('redacts domestic phone numbers of Japan and China, and full-width digits as input methods type them', () => {
    // Only 555-123-4567 and numbers with a + were found: these were stored as they were.
    for (const phone of [
      '090-1234-5678',
      '03-1234-5678',
      '0120-123-456',
      '090 1234 5678',
      '(03)1234-5678',
      '138-1234-5678',
      '０９０－１２３４－５６７８',
      '090ー1234ー5678',
      '（03）1234－5678',
      '＋81 90-1234-5678',
    ]) {
      expect(redactor.text(`電話：${phone}です`), phone).toBe('電話：[REDACTED:phone]です');
    }
    expect(redactor.text('カード４１１１ １１１１ １１１１ １１１１です')).toBe(
      'カード[REDACTED:credit-card]です',
    );
  });

  it('still leaves dates, short numbers and the ids a run is full of alone', () => {
    for (const text of [
      '01-02-2024',
      '05.06.2023',
      '2024-05-12',
      'order 0512-1234',
      'ID 12 345 678',
      'x555-123-4567',
      '09012345678',
      '４１１１ １１１１ １１１１ １１１２',
    ]) {
      expect(redactor.text(text), text).toBe(text);
    }
    expect(redactor.text('Call (555) 123-4567 or +1 555 123 4567')).toBe(
      'Call [REDACTED:phone] or [REDACTED:phone]',
    );
  });
});
