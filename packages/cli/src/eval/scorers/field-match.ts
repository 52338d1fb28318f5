import type { Scorer } from '../types';
import { sameValue, show, valueAt } from './value-at';

/**
 * Compares the named fields (dotted paths) of the output with the case's `expected`; the
 * score is the share that match, and it passes when all do.
 */
export function fieldMatch(fields: readonly string[]): Scorer {
  if (fields.length === 0) throw new TypeError('fieldMatch: name at least one field.');
  return {
    name: `fields ${fields.join(', ')}`,
    score({ case: row, output }) {
      const misses = fields.flatMap((field) => {
        const got = valueAt(output, field);
        const expected = valueAt(row.expected, field);
        return sameValue(got, expected)
          ? []
          : [`${field}: got ${show(got)}, expected ${show(expected)}`];
      });
      return {
        score: (fields.length - misses.length) / fields.length,
        pass: misses.length === 0,
        ...(misses.length ? { reason: misses.join('; ') } : {}),
      };
    },
  };
}
