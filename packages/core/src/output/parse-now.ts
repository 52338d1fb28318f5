import { z } from 'zod';
import { DefinitionError } from '../errors/definition-error';

/**
 * `schema.safeParse(value)`, refusing an asynchronous schema with a typed error. agentchart
 * checks a schema the moment a value crosses it — a model's tool arguments before anything
 * runs, a tool's output before the model sees it, a reply before the wait ends — and zod
 * throws on a refinement or transform that returns a promise there. `what` names the schema
 * for the message (`tool "lookup"'s input schema`).
 */
export function parseNow<TSchema extends z.ZodType>(
  schema: TSchema,
  value: unknown,
  what: string,
): z.ZodSafeParseResult<z.output<TSchema>> {
  try {
    return schema.safeParse(value);
  } catch (error) {
    if (!(error instanceof z.core.$ZodAsyncError) && !isAsyncAfterAll(schema, value)) throw error;
    throw new DefinitionError(
      'definition.async_schema',
      `${what} is asynchronous (a .refine(), .check() or .transform() returns a promise), and agentchart checks schemas synchronously: a value is checked the moment it crosses the schema. Make the check synchronous, or do the asynchronous part in the tool's execute (or the chart) and report it from there.`,
      error,
    );
  }
}

/**
 * Whether a parse that threw something else was an asynchronous schema after all: zod's
 * compiled object parser meets a transform's promise as a value and throws a TypeError
 * ("Cannot read properties of undefined (reading 'length')") instead of its $ZodAsyncError.
 * Parsed again without the compiled path, the same schema throws the error it means. Only
 * on this failure path, so a schema that parses is parsed once.
 */
function isAsyncAfterAll(schema: z.ZodType, value: unknown): boolean {
  try {
    schema.safeParse(value, { jitless: true });
    return false;
  } catch (error) {
    return error instanceof z.core.$ZodAsyncError;
  }
}
