import { describeValue } from '@agentchart/core/internal';
import type { Scorer } from '../types';
import { refuse } from './refuse';
import { missingExpected, sameValue, show, valueAt } from './value-at';

/**
 * Compares the named fields (dotted paths) of the output with the case's `expected`; the
 * score is the share that match, and it passes when all do. A field the row's `expected` does
 * not give is a miss: there is nothing to compare it with.
 */
export function fieldMatch(fields: readonly string[]): Scorer {
  if (
    !Array.isArray(fields) ||
    fields.length === 0 ||
    !fields.every((field) => typeof field === 'string' && field !== '')
  ) {
    refuse(
      `fieldMatch: name at least one field in a list, such as fieldMatch(['category', 'priority']), got ${describeValue(fields)}.`,
    );
  }
  return {
    name: `fields ${fields.join(', ')}`,
    score({ case: row, output }) {
      const misses = fields.flatMap((field) => {
        const got = valueAt(output, field);
        const expected = valueAt(row.expected, field);
        const missing = missingExpected(expected, field, got);
        if (missing !== undefined) return [`${field}: ${missing}`];
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
