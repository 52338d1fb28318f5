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
    if (!(error instanceof z.core.$ZodAsyncError)) throw error;
    throw new DefinitionError(
      'definition.async_schema',
      `${what} is asynchronous (a .refine(), .check() or .transform() returns a promise), and agentchart checks schemas synchronously: a value is checked the moment it crosses the schema. Make the check synchronous, or do the asynchronous part in the tool's execute (or the chart) and report it from there.`,
      error,
    );
  }
}
