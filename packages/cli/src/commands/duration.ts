import { CliError } from '../cli-error';

const units: Record<string, number> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** A duration as people write it — `500ms`, `45s`, `90m`, `12h`, `30d`, `2w` — in milliseconds. */
export function parseDuration(
  text: string,
  option: string,
  { minMs = 0, maxMs = Number.MAX_SAFE_INTEGER }: { minMs?: number; maxMs?: number } = {},
): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)$/.exec(text.trim());
  if (!match) {
    throw new CliError(
      'cli.usage',
      `${option} takes a duration like 30d, 12h, 90m, 45s or 500ms; got "${text}".`,
    );
  }
  const ms = Number(match[1]) * units[match[2]!]!;
  if (ms < minMs) {
    throw new CliError('cli.usage', `${option} is ${text}; give at least ${describeMs(minMs)}.`);
  }
  if (ms > maxMs) {
    throw new CliError(
      'cli.usage',
      `${option} is ${text}, longer than ${maxMs === Number.MAX_SAFE_INTEGER ? 'a time can be' : `${describeMs(maxMs)}, the longest a timer waits`}; give a shorter one.`,
    );
  }
  return ms;
}

/** Milliseconds as the largest whole unit they are, for a message: 60000 → "1m". */
function describeMs(ms: number): string {
  const unit = (['w', 'd', 'h', 'm', 's'] as const).find(
    (name) => ms >= units[name]! && ms % units[name]! === 0,
  );
  return unit ? `${ms / units[unit]!}${unit}` : `${ms}ms`;
}
