import { CliError } from '../cli-error';

const units: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/**
 * A time given on the command line, in milliseconds since the epoch: an ISO 8601 date or
 * time (`2026-03-01`, `2026-03-01T09:30Z`), or a span back from `now` (`90s`, `15m`, `2h`,
 * `7d`, `1w`).
 */
export function parseTimeArgument(option: string, value: string, now: number): number {
  const span = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)$/.exec(value.trim());
  if (span) {
    const at = now - Number(span[1]) * units[span[2]!]!;
    // Further back than 1970 the filter would be dropped, and every thread listed.
    if (at < 0) {
      throw new CliError(
        'cli.usage',
        `--${option} ${value} reaches back before 1970; give a shorter span or a date.`,
      );
    }
    return at;
  }
  // An ISO date first: Date.parse reads a bare `5` as a day in 2001.
  const at = /^\d{4}-\d{2}-\d{2}/.test(value.trim()) ? Date.parse(value) : Number.NaN;
  if (Number.isFinite(at)) return at;
  throw new CliError(
    'cli.usage',
    `--${option} "${value}" is not a time. Give an ISO date or time (2026-03-01, 2026-03-01T09:30Z) or a span back from now (90s, 15m, 2h, 7d).`,
  );
}
