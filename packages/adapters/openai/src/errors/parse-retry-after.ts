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
// Every HTTP-date form names its day or month in letters ("Wed, 21 Oct 2015 07:28:00 GMT").
// Date.parse is laxer: it reads "-5" as 1 May 2001, a past date, which would mean "retry now".
const httpDate = /[a-z]{3}/i;

/**
 * The server's retry hint in milliseconds, from `retry-after-ms` (OpenAI's precise form,
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
  const date = httpDate.test(retryAfter) ? Date.parse(retryAfter) : Number.NaN;
  // A date already past means "now", not a negative wait.
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
