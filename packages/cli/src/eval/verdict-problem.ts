import type { ScoreResult } from './types';

/**
 * Why a scorer's verdict cannot be counted, or `undefined` when it can: a verdict is
 * `{ score, pass }` with a score from 0 to 1 and a boolean `pass`. Checked for every scorer,
 * since one returning nothing or NaN would otherwise turn a variant's mean score into NaN,
 * or pass a case it never judged.
 */
export function verdictProblem(verdict: unknown): string | undefined {
  if (typeof verdict === 'object' && verdict !== null) {
    const { score, pass } = verdict as Partial<ScoreResult>;
    if (typeof score === 'number' && score >= 0 && score <= 1 && typeof pass === 'boolean') {
      return undefined;
    }
  }
  return `the scorer returned ${shown(verdict)}; a scorer returns { score, pass } with a score from 0 to 1 and pass true or false.`;
}

/** A verdict as the scorer's author wrote it, short: `{ score: NaN, pass: true }`. */
function shown(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.slice(0, 40));
  if (typeof value !== 'object' || value === null) return String(value);
  if (Array.isArray(value)) return `a list of ${value.length}`;
  const fields = Object.entries(value)
    .slice(0, 4)
    .map(
      ([key, field]) =>
        `${key}: ${typeof field === 'string' ? JSON.stringify(field.slice(0, 40)) : typeof field === 'object' && field !== null ? '…' : String(field)}`,
    );
  return fields.length ? `{ ${fields.join(', ')} }` : '{}';
}
