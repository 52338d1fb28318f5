import { DefinitionError } from '@agentchart/core';

/** Checks that a numeric option is a positive integer, at definition time. */
export function requirePositiveInteger(owner: string, option: string, value: number): number {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new DefinitionError(
      'definition.invalid_option',
      `${owner}: ${option} is ${value}. Give a positive whole number.`,
    );
  }
  return value;
}
