import { CliError } from '../cli-error';

/**
 * True when `text` is a whole number written in decimal digits. `Number()` alone takes `''`
 * as 0, `0x1F90` as 8080 and `1e1` as 10: a flag should mean what it reads as.
 */
export function isWholeNumberText(text: string | undefined): boolean {
  return text !== undefined && /^\d+$/.test(text);
}

/** An option's positive whole number (`--concurrency 8`), `fallback` when it is not given. */
export function positiveInteger(
  text: string | undefined,
  option: string,
  fallback: number,
): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!isWholeNumberText(text) || !Number.isInteger(value) || value < 1) {
    throw new CliError('cli.usage', `${option} takes a positive whole number, got "${text}".`);
  }
  return value;
}
