import { DefinitionError } from '@agentchart/core';
import { checkOptionNames } from '@agentchart/core/internal';
import type { Scorer } from '../types';

/**
 * Compares the path through the chart — the leaf states the run entered, in order — with the
 * case's `trajectory`: `exact` (the same list), `ordered` (the expected states appear in
 * that order, others may come between; default) or `includes` (each expected state was
 * entered). A case without a `trajectory` is skipped.
 */
export function trajectory(
  options: { mode?: 'exact' | 'ordered' | 'includes' | undefined } = {},
): Scorer {
  checkOptionNames('trajectory', options, ['mode']);
  const { mode = 'ordered' } = options;
  if (!['exact', 'ordered', 'includes'].includes(mode)) {
    throw new DefinitionError(
      'definition.invalid_option',
      `trajectory: mode is ${JSON.stringify(mode)}; give 'exact', 'ordered' or 'includes'.`,
    );
  }
  return {
    name: 'trajectory',
    score({ case: row, run }) {
      const expected = row.trajectory;
      if (!expected) return { score: 1, pass: true, skipped: true };
      const actual = run.trajectory;
      let pass: boolean;
      if (mode === 'exact') {
        pass =
          actual.length === expected.length &&
          actual.every((state, index) => state === expected[index]);
      } else if (mode === 'includes') {
        pass = expected.every((state) => actual.includes(state));
      } else {
        let next = 0;
        for (const state of actual) if (state === expected[next]) next++;
        pass = next === expected.length;
      }
      return {
        score: pass ? 1 : 0,
        pass,
        ...(pass
          ? {}
          : {
              reason: `entered ${actual.join(' → ') || 'nothing'}; expected ${expected.join(' → ')}`,
            }),
      };
    },
  };
}
