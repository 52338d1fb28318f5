import { DefinitionError } from '@agentchart/core';
import { checkOptionNames } from '@agentchart/core/internal';
import type { Scorer } from '../types';
import { show, valueAt } from './value-at';

/** Options of {@link numericTolerance}. */
export interface NumericToleranceOptions {
  /** The dotted path of the number in the output and in `expected`; `''` for the values themselves. */
  field?: string;
  /** The largest difference that passes: absolute, or a share of the expected value with `relative`. */
  tolerance: number;
  relative?: boolean;
}

const numericToleranceOptionNames = ['field', 'tolerance', 'relative'];

/** Passes when the output's number is within `tolerance` of the expected one. */
export function numericTolerance(options: NumericToleranceOptions): Scorer {
  checkOptionNames('numericTolerance', options, numericToleranceOptionNames);
  const { field = '', tolerance, relative = false } = options;
  if (!(tolerance >= 0))
    throw new DefinitionError(
      'definition.invalid_option',
      `numericTolerance: tolerance must be 0 or more, got ${tolerance}.`,
    );
  return {
    name: `number${field ? ` ${field}` : ''} ±${relative ? `${tolerance * 100}%` : tolerance}`,
    score({ case: row, output }) {
      const got = valueAt(output, field);
      const expected = valueAt(row.expected, field);
      if (typeof got !== 'number' || typeof expected !== 'number') {
        return {
          score: 0,
          pass: false,
          reason: `got ${show(got)}, expected the number ${show(expected)}`,
        };
      }
      const allowed = relative ? tolerance * Math.abs(expected) : tolerance;
      const difference = Math.abs(got - expected);
      const pass = difference <= allowed;
      return {
        score: pass
          ? 1
          : allowed === 0
            ? 0
            : Math.max(0, 1 - (difference - allowed) / Math.max(allowed, Math.abs(expected))),
        pass,
        ...(pass ? {} : { reason: `got ${got}, expected ${expected} ± ${allowed}` }),
      };
    },
  };
}
