import { DefinitionError } from '@agentchart/core';
import { checkOptionNames, describeValue } from '@agentchart/core/internal';
import type { Scorer } from '../types';
import { show, valueAt } from './value-at';

/** Options of {@link numericTolerance}. */
export interface NumericToleranceOptions {
  /** The dotted path of the number in the output and in `expected`; `''` for the values themselves. */
  field?: string | undefined;
  /** The largest difference that passes: absolute, or a share of the expected value with `relative`. */
  tolerance: number;
  relative?: boolean | undefined;
}

const numericToleranceOptionNames = ['field', 'tolerance', 'relative'];

/** Passes when the output's number is within `tolerance` of the expected one. */
export function numericTolerance(options: NumericToleranceOptions): Scorer {
  checkOptionNames('numericTolerance', options, numericToleranceOptionNames);
  const { field = '', tolerance, relative = false } = options;
  // Infinity passed every number; `relative: 'no'` is truthy, and turned relative mode on.
  if (typeof tolerance !== 'number' || !(tolerance >= 0) || tolerance === Number.POSITIVE_INFINITY)
    throw new DefinitionError(
      'definition.invalid_option',
      `numericTolerance: tolerance must be a finite number, 0 or more, got ${describeValue(tolerance)}.`,
    );
  if (typeof relative !== 'boolean') {
    throw new DefinitionError(
      'definition.invalid_option',
      `numericTolerance: relative must be true (tolerance is a share of the expected value) or false, got ${describeValue(relative)}.`,
    );
  }
  return {
    name: `number${field ? ` ${field}` : ''} ±${relative ? `${readable(tolerance * 100)}%` : tolerance}`,
    score({ case: row, output }) {
      const got = valueAt(output, field);
      const expected = valueAt(row.expected, field);
      // NaN is a number to typeof, and would make the score NaN, which no report can use.
      if (typeof got !== 'number' || Number.isNaN(got) || typeof expected !== 'number') {
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
        ...(pass ? {} : { reason: `got ${got}, expected ${expected} ± ${readable(allowed)}` }),
      };
    },
  };
}

/**
 * A computed figure as a person would write it: `0.07 * 100` is 7.000000000000001 in floating
 * point, which a scorer's name and reasons would otherwise show.
 */
function readable(value: number): number {
  return Number(value.toPrecision(12));
}
