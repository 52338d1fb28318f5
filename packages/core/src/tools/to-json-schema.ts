import { z } from 'zod';
import { DefinitionError } from '../errors/definition-error';

/**
 * The JSON Schema a model receives for a zod schema. Throws a {@link DefinitionError} naming
 * the owner when the schema has parts JSON Schema cannot express (transforms, dates, bigints).
 *
 * `io: 'input'` (tool arguments) describes what the schema accepts; `io: 'output'` (structured
 * answers) closes every object with `additionalProperties: false`, which providers' strict
 * structured-output modes require.
 */
export function toJsonSchema(
  schema: z.ZodType,
  owner: string,
  io: 'input' | 'output' = 'input',
): Record<string, unknown> {
  try {
    const { $schema: _ignored, ...jsonSchema } = z.toJSONSchema(schema, {
      target: 'draft-7',
      io,
      unrepresentable: 'throw',
    }) as Record<string, unknown>;
    return jsonSchema;
  } catch (cause) {
    throw new DefinitionError(
      'definition.schema_not_convertible',
      `${owner}: its zod schema cannot become JSON Schema (${(cause as Error).message}). ` +
        'Use types JSON can carry (strings, numbers, booleans, objects, arrays, enums); ' +
        'move transforms and z.date()/z.bigint() out of model-facing schemas.',
      cause,
    );
  }
}
