import { DefinitionError } from '@agentchart/core';

/** Throws the `definition.invalid_option` a scorer factory gives for a wrong argument. */
export function refuse(message: string): never {
  throw new DefinitionError('definition.invalid_option', message);
}
