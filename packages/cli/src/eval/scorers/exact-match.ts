import { checkOptionNames } from '@agentchart/core/internal';
import type { Scorer } from '../types';
import { missingExpected, sameValue, show, valueAt } from './value-at';

/**
 * Passes when the output equals the case's `expected` (deeply, key order aside) — or, with
 * `path`, when the values at that path do. A row with no expected value there fails the case:
 * it says nothing to compare with.
 */
export function exactMatch(options: { path?: string | undefined } = {}): Scorer {
  checkOptionNames('exactMatch', options, ['path']);
  const { path = '' } = options;
  return {
    name: path ? `exact ${path}` : 'exact',
    score({ case: row, output }) {
      const got = valueAt(output, path);
      const expected = valueAt(row.expected, path);
      const missing = missingExpected(expected, path, got);
      if (missing !== undefined) return { score: 0, pass: false, reason: missing };
      const pass = sameValue(got, expected);
      return {
        score: pass ? 1 : 0,
        pass,
        ...(pass ? {} : { reason: `got ${show(got)}, expected ${show(expected)}` }),
      };
    },
  };
}
