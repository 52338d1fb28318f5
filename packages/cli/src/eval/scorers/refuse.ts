import { DefinitionError } from '@agentchart/core';
import { describeValue } from '@agentchart/core/internal';

/** Throws the `definition.invalid_option` a scorer factory gives for a wrong argument. */
export function refuse(message: string): never {
  throw new DefinitionError('definition.invalid_option', message);
}

/**
 * A score a case passes at, from 0 to 1: 2 failed a perfect score, -1 passed everything,
 * NaN failed everything.
 */
export function checkPassAt(owner: string, passAt: unknown): void {
  if (typeof passAt !== 'number' || !(passAt >= 0 && passAt <= 1)) {
    refuse(
      `${owner}: passAt is ${describeValue(passAt)}. Give the score a case passes at, from 0 to 1.`,
    );
  }
}
