import { describe, expect, it } from 'vitest';
import { compileLinearPattern, UnsupportedPatternError } from './compile-linear-pattern';

describe('compileLinearPattern', () => {
  it('matches anywhere in the text, as JSON Schema patterns do', () => {
    const pattern = compileLinearPattern('b+');
    expect(pattern.test('abbc')).toBe(true);
    expect(pattern.test('ac')).toBe(false);
    expect(compileLinearPattern('^b+$').test('abbc')).toBe(false);
  });

  it('reads the JavaScript syntax servers write: \\u escapes, named groups, classes', () => {
    expect(compileLinearPattern('^\\u00e9+$').test('éé')).toBe(true);
    expect(compileLinearPattern('^(?<year>\\d{4})-\\d{2}$').test('2026-12')).toBe(true);
    expect(compileLinearPattern('^[\\w.-]+@[\\w-]+\\.[a-z]{2,}$').test('a.b@c.de')).toBe(true);
    expect(compileLinearPattern('^https?://').test('ftp://x')).toBe(false);
  });

  it('answers an exponential backtracking pattern on a long text', () => {
    const evil = compileLinearPattern('^(a+)+$');
    expect(evil.test(`${'a'.repeat(100_000)}!`)).toBe(false);
    expect(evil.test('a'.repeat(100_000))).toBe(true);
  });

  it('refuses lookaround and backreferences, saying why', () => {
    for (const pattern of ['^(?=.*\\d).+$', '(?<!x)y', '^(a)\\1$']) {
      const refused = (() => {
        try {
          compileLinearPattern(pattern);
        } catch (error) {
          return error;
        }
      })();
      expect(refused).toBeInstanceOf(UnsupportedPatternError);
      expect(refused).toMatchObject({
        pattern,
        message: expect.stringContaining('cannot be matched in linear time'),
      });
    }
  });

  it('says when a pattern is not a regular expression at all', () => {
    expect(() => compileLinearPattern('[a-')).toThrow(/"\[a-" is not a valid regular expression/);
  });

  it('gives each pattern its own key, which Ajv caches compiled patterns by', () => {
    expect(String(compileLinearPattern('a'))).not.toBe(String(compileLinearPattern('b')));
  });
});
