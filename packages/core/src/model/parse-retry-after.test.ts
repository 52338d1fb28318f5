import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from './parse-retry-after';

const now = Date.UTC(2026, 0, 1, 12, 0, 0);

describe('parseRetryAfter', () => {
  it('prefers retry-after-ms, which OpenAI sends with millisecond precision', () => {
    expect(
      parseRetryAfter(new Headers({ 'retry-after-ms': '1500', 'retry-after': '2' }), now),
    ).toBe(1500);
  });

  it('reads Retry-After as seconds, fractions included', () => {
    expect(parseRetryAfter(new Headers({ 'retry-after': '3' }), now)).toBe(3000);
    expect(parseRetryAfter(new Headers({ 'retry-after': '0.5' }), now)).toBe(500);
  });

  it('reads Retry-After as an HTTP date, and a past date as no wait', () => {
    const inTenSeconds = new Date(now + 10_000).toUTCString();
    expect(parseRetryAfter(new Headers({ 'retry-after': inTenSeconds }), now)).toBe(10_000);
    const past = new Date(now - 10_000).toUTCString();
    expect(parseRetryAfter(new Headers({ 'retry-after': past }), now)).toBe(0);
  });

  it('ignores a hint it cannot read rather than guessing', () => {
    expect(parseRetryAfter(new Headers({ 'retry-after': 'soon' }), now)).toBeUndefined();
    expect(parseRetryAfter(new Headers({ 'retry-after-ms': '-5' }), now)).toBeUndefined();
    // Not dates, though V8's Date.parse reads them as 1 May and 1 January 2001: a past date,
    // so they were taken as "retry now", with no backoff.
    expect(parseRetryAfter(new Headers({ 'retry-after': '-5' }), now)).toBeUndefined();
    expect(parseRetryAfter(new Headers({ 'retry-after': '1 2' }), now)).toBeUndefined();
    expect(parseRetryAfter(new Headers(), now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });

  it('takes only the HTTP-date forms as dates, not any text with letters Date.parse reads', () => {
    // V8 reads each of these as 1 May or 1 January 2001: "retry now", with no backoff.
    for (const garbled of ['-5 GMT', 'retry 5', 'in 1', 'Mon 1']) {
      expect(parseRetryAfter(new Headers({ 'retry-after': garbled }), now)).toBeUndefined();
    }
    // The three forms HTTP recipients accept (RFC 9110 §5.6.7), all in GMT.
    for (const date of [
      'Thu, 01 Jan 2026 12:00:10 GMT',
      'Thursday, 01-Jan-26 12:00:10 GMT',
      'Thu Jan  1 12:00:10 2026',
    ]) {
      expect(parseRetryAfter(new Headers({ 'retry-after': date }), now)).toBe(10_000);
    }
  });

  it('reads plain-object headers whatever their case', () => {
    expect(parseRetryAfter({ 'Retry-After': '2' }, now)).toBe(2000);
    expect(parseRetryAfter({ 'retry-after-ms': ['250'] }, now)).toBe(250);
  });
});
