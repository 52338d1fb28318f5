import type { z } from 'zod';

/** The parts of zod's schema definitions the answer walkers read; zod exports no union of them. */
export interface SchemaDefinition {
  type: string;
  innerType?: z.core.$ZodType;
  options?: readonly z.core.$ZodType[];
  left?: z.core.$ZodType;
  right?: z.core.$ZodType;
  in?: z.core.$ZodType;
  out?: z.core.$ZodType;
  getter?: () => z.core.$ZodType;
  values?: readonly unknown[];
  shape?: Record<string, z.core.$ZodType>;
  catchall?: z.core.$ZodType;
  element?: z.core.$ZodType;
  items?: readonly z.core.$ZodType[];
  rest?: z.core.$ZodType | null;
  valueType?: z.core.$ZodType;
}

/** A schema's definition, typed for the walkers. */
export const definitionOf = (schema: z.core.$ZodType): SchemaDefinition =>
  schema._zod.def as unknown as SchemaDefinition;

/** Definitions that only wrap another schema and leave a `null` to it. */
const wrappers = new Set(['optional', 'default', 'prefault', 'readonly', 'catch', 'nonoptional']);

// Deeper than any schema a model is asked to fill: a lazy schema that only wraps itself.
const maxDepth = 64;

/**
 * The schema that reads what the model wrote: the input side of a pipe, or its output side
 * when the input side is a bare transform (`z.preprocess`), as zod's JSON Schema does.
 */
export function inputSideOf(definition: SchemaDefinition): z.core.$ZodType | undefined {
  const input = definition.in;
  return input && definitionOf(input).type === 'transform' ? definition.out : input;
}

/** Whether a schema takes `null` as it is, reading its definition (no user code runs). */
export function acceptsNull(schema: z.core.$ZodType, depth = 0): boolean {
  if (depth > maxDepth) return false;
  const definition = definitionOf(schema);
  const inner = (child: z.core.$ZodType | undefined) =>
    child !== undefined && acceptsNull(child, depth + 1);
  switch (definition.type) {
    case 'null':
    case 'nullable':
    case 'any':
    case 'unknown':
      return true;
    case 'literal':
      return definition.values?.includes(null) ?? false;
    case 'union':
      return definition.options?.some(inner) ?? false;
    case 'intersection':
      return inner(definition.left) && inner(definition.right);
    case 'pipe':
      return inner(inputSideOf(definition));
    case 'lazy':
      return inner(definition.getter?.());
    default:
      return wrappers.has(definition.type) && inner(definition.innerType);
  }
}

/**
 * Whether a key of an answer's object is sent to the model as required and nullable: it may
 * be absent (`.optional()`), and its schema does not take `null` itself. Strict structured
 * output has no optional keys, so such a key is asked for as "a value or null", and a `null`
 * the model writes there is read back as absent (`nullAsAbsent`) before the user's schema
 * parses the answer. A key that already takes `null` (`.nullish()`) keeps the model's `null`.
 */
export function sentAsNullable(field: z.core.$ZodType): boolean {
  return mayBeAbsent(field, 0) && !acceptsNull(field);
}

/**
 * Whether the model may leave a key out: its schema is optional, or it is a pipe whose input
 * side is (`z.string().optional().transform(…)`: zod marks the pipe by its output side, which
 * the transform makes required, but the model writes the input side). A `.default()` is not:
 * the model fills it.
 */
function mayBeAbsent(field: z.core.$ZodType, depth: number): boolean {
  if (field._zod.optout === 'optional') return true;
  const definition = definitionOf(field);
  if (definition.type !== 'pipe' || depth > maxDepth) return false;
  const input = inputSideOf(definition);
  return input !== undefined && mayBeAbsent(input, depth + 1);
}
