import { describe, expect, it } from 'vitest';
import { createRedactor } from './create-redactor';
import { headOutsideMatches } from './head-outside-matches';

const secret = 'sk-live-Q7w9E2r4T6y8U0i1O3p5A7s9D2f4G6hX';
const redactor = createRedactor({ secrets: [secret], patterns: ['email'], environment: false });

describe('headOutsideMatches', () => {
  it('keeps a text that fits whole, and cuts one that does not at the limit', () => {
    expect(headOutsideMatches(`key ${secret}`, 100, redactor)).toBe(`key ${secret}`);
    expect(headOutsideMatches('x'.repeat(300), 200, redactor)).toBe('x'.repeat(200));
    // Without a redactor nothing is known to keep whole.
    expect(headOutsideMatches(`${'x'.repeat(161)}${secret}`, 200, undefined)).toHaveLength(200);
  });

  it('ends before a secret or a pattern match the cut would split, dropping it whole', () => {
    for (const kept of [1, 8, 39]) {
      const padding = 'x'.repeat(200 - kept);
      expect(headOutsideMatches(`${padding}${secret} rest`, 200, redactor)).toBe(padding);
    }
    const email = 'ada.lovelace@example.com';
    expect(headOutsideMatches(`${'x'.repeat(190)} ${email}`, 200, redactor)).toBe(
      `${'x'.repeat(190)} `,
    );
  });

  it('finds a match that straddles a cut far into a long text', () => {
    const text = `${'x'.repeat(3_990)}${secret}${'y'.repeat(1_000_000)}`;
    expect(headOutsideMatches(text, 4_000, redactor)).toBe('x'.repeat(3_990));
  });

  it('never ends in half of an emoji, with or without a match near the cut', () => {
    const text = `${'x'.repeat(199)}😀 and ${secret}`;
    // Before: 200 units, the last one the first half of the emoji.
    expect(headOutsideMatches(text, 200, undefined)).toBe('x'.repeat(199));
    expect(headOutsideMatches(text, 200, redactor)).toBe('x'.repeat(199));
  });
});
