import { z } from 'zod';
import { DefinitionError } from '../errors/definition-error';

/**
 * The JSON Schema a model receives for a zod schema. Throws a {@link DefinitionError} naming
 * the owner when the schema has parts JSON Schema cannot express (dates, bigints).
 *
 * Either way the schema describes what the zod schema *accepts* — the model writes the value
 * that is parsed — so a transform or a pipe (`z.string().transform(…)`,
 * `z.string().pipe(z.coerce.number())`) is described by its input side: a string. `io:
 * 'input'` (tool arguments) stops there. `io: 'output'` (structured answers) also closes every
 * object that takes no extra keys with `additionalProperties: false` and requires every key
 * but the optional ones (a key with a `.default()` is required: the model fills it), which
 * providers' strict structured-output modes ask for.
 */
export function toJsonSchema(
  schema: z.ZodType,
  owner: string,
  io: 'input' | 'output' = 'input',
): Record<string, unknown> {
  try {
    const { $schema: _ignored, ...jsonSchema } = z.toJSONSchema(schema, {
      target: 'draft-7',
      io: 'input',
      unrepresentable: 'throw',
      ...(io === 'output' ? { override: closeAnswerObject } : {}),
    }) as Record<string, unknown>;
    return jsonSchema;
  } catch (cause) {
    throw new DefinitionError(
      'definition.schema_not_convertible',
      `${owner}: its zod schema cannot become JSON Schema (${(cause as Error).message}). ` +
        'Use types JSON can carry (strings, numbers, booleans, objects, arrays, enums); ' +
        'for a date, ask for a string (z.iso.datetime() or z.iso.date()) and convert it after.',
      cause,
    );
  }
}

interface ObjectDefinition {
  type: string;
  shape?: Record<string, { _zod: { optout?: 'optional' } }>;
  catchall?: unknown;
}

/** Closes an object of an answer's schema and requires every key whose value is never absent. */
function closeAnswerObject(context: {
  zodSchema: { _zod: { def: unknown } };
  jsonSchema: Record<string, unknown>;
}): void {
  const definition = context.zodSchema._zod.def as ObjectDefinition;
  if (definition.type !== 'object' || !definition.shape) return;
  const { jsonSchema } = context;
  // No catchall: extra keys are stripped by the parse, so the model need not write any.
  if (definition.catchall === undefined && jsonSchema.additionalProperties === undefined) {
    jsonSchema.additionalProperties = false;
  }
  const required = Object.entries(definition.shape)
    .filter(([, value]) => value._zod.optout !== 'optional')
    .map(([key]) => key);
  if (required.length > 0) jsonSchema.required = required;
}
