/** Response headers as the clients expose them: a fetch `Headers`, or a plain object. */
export type HeaderSource =
  | { get(name: string): string | null }
  | Record<string, string | string[] | undefined>;

function header(headers: HeaderSource, name: string): string | undefined {
  if (typeof headers.get === 'function') {
    return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  }
  const record = headers as Record<string, unknown>;
  const key = Object.keys(record).find((candidate) => candidate.toLowerCase() === name);
  const value = key === undefined ? undefined : record[key];
  if (Array.isArray(value)) return typeof value[0] === 'string' ? value[0] : undefined;
  return typeof value === 'string' ? value : undefined;
}

const seconds = /^\s*\d+(?:\.\d+)?\s*$/;
// The three HTTP-date forms (RFC 9110 §5.6.7): "Wed, 21 Oct 2015 07:28:00 GMT", the obsolete
// "Wednesday, 21-Oct-15 07:28:00 GMT" and asctime's "Wed Oct 21 07:28:00 2015", all in GMT.
// Only these go to Date.parse, which is laxer: it reads "-5", "-5 GMT" or "retry 5" as 1 May
// 2001, a past date, which would mean "retry now".
const day = '(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*';
const month = '(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)';
const time = '\\d{2}:\\d{2}:\\d{2}';
const zonedDate = new RegExp(
  `^${day},\\s*\\d{1,2}(?:\\s+${month}\\s+\\d{4}|-${month}-\\d{2})\\s+${time}\\s+GMT$`,
  'i',
);
const asctimeDate = new RegExp(`^${day}\\s+${month}\\s+\\d{1,2}\\s+${time}\\s+\\d{4}$`, 'i');

/** The HTTP date `value` as epoch milliseconds, or NaN when it is none of its forms. */
function parseHttpDate(value: string): number {
  const trimmed = value.trim();
  if (zonedDate.test(trimmed)) return Date.parse(trimmed);
  // asctime names no zone, and Date.parse would read it as local time.
  if (asctimeDate.test(trimmed)) return Date.parse(`${trimmed} GMT`);
  return Number.NaN;
}

/**
 * The server's retry hint in milliseconds — what a model adapter puts in its
 * `ModelCallError`'s `retryAfterMs` — from `retry-after-ms` (OpenAI's precise form,
 * preferred), else `Retry-After` as seconds or as an HTTP date. `undefined` when absent or
 * unreadable: a garbled hint is no hint, and the policy's own backoff applies.
 */
export function parseRetryAfter(
  headers: HeaderSource | undefined,
  now: number,
): number | undefined {
  if (!headers) return undefined;
  const milliseconds = header(headers, 'retry-after-ms');
  if (milliseconds !== undefined && seconds.test(milliseconds)) return Number(milliseconds);
  const retryAfter = header(headers, 'retry-after');
  if (retryAfter === undefined) return undefined;
  if (seconds.test(retryAfter)) return Number(retryAfter) * 1000;
  const date = parseHttpDate(retryAfter);
  // A date already past means "now", not a negative wait.
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
