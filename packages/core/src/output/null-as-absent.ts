import type { z } from 'zod';
import { definitionOf, inputSideOf, sentAsNullable } from './sent-as-nullable';

// Deeper than any answer a model writes; the value, not the schema, bounds the walk otherwise.
const maxDepth = 256;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * An answer with every `null` the model wrote for an optional key removed, at any depth
 * (nested objects, arrays, records, tuples, the matching member of a union), so the user's
 * schema sees the key absent, as it was declared. Only keys {@link sentAsNullable} are
 * touched: the model was asked for "a value or null" there because strict structured output
 * has no optional keys. The value is returned as it was when nothing changes.
 */
export function nullAsAbsent(schema: z.core.$ZodType, value: unknown): unknown {
  return walk(schema, value, 0);
}

function walk(schema: z.core.$ZodType | undefined, value: unknown, depth: number): unknown {
  if (schema === undefined || value === null || typeof value !== 'object' || depth > maxDepth) {
    return value;
  }
  const definition = definitionOf(schema);
  const next = depth + 1;
  switch (definition.type) {
    case 'object':
      return isRecord(value)
        ? walkObject(definition.shape ?? {}, definition.catchall, value, next)
        : value;
    case 'array':
      return Array.isArray(value) ? walkList(value, () => definition.element, next) : value;
    case 'tuple':
      return Array.isArray(value)
        ? walkList(
            value,
            (index) => definition.items?.[index] ?? definition.rest ?? undefined,
            next,
          )
        : value;
    case 'record':
      return isRecord(value) ? walkObject({}, definition.valueType, value, next) : value;
    case 'union':
      return walkUnion(definition.options ?? [], value, next);
    case 'intersection':
      return walk(definition.right, walk(definition.left, value, next), next);
    case 'pipe':
      return walk(inputSideOf(definition), value, next);
    case 'lazy':
      return walk(definition.getter?.(), value, next);
    default:
      return walk(definition.innerType, value, next);
  }
}

function walkObject(
  shape: Record<string, z.core.$ZodType>,
  catchall: z.core.$ZodType | undefined,
  value: Record<string, unknown>,
  depth: number,
): Record<string, unknown> {
  let copy: Record<string, unknown> | undefined;
  for (const [key, child] of Object.entries(value)) {
    const field = Object.hasOwn(shape, key) ? shape[key] : catchall;
    if (field === undefined) continue;
    if (child === null && Object.hasOwn(shape, key) && sentAsNullable(field)) {
      copy ??= { ...value };
      delete copy[key];
      continue;
    }
    const walked = walk(field, child, depth);
    if (walked !== child) {
      copy ??= { ...value };
      copy[key] = walked;
    }
  }
  return copy ?? value;
}

function walkList(
  value: unknown[],
  schemaAt: (index: number) => z.core.$ZodType | undefined,
  depth: number,
): unknown[] {
  let copy: unknown[] | undefined;
  value.forEach((item, index) => {
    const walked = walk(schemaAt(index), item, depth);
    if (walked !== item) {
      copy ??= [...value];
      copy[index] = walked;
    }
  });
  return copy ?? value;
}

/**
 * The value read the way of the first member it then fits, as zod's union picks the first
 * member that parses. Which member the model meant is only known by trying:
 * `{ kind: 'a', note: null }` fits a member whose `note` is optional once the `null` is
 * dropped, and a member whose `note` is nullable as it is.
 */
function walkUnion(options: readonly z.core.$ZodType[], value: unknown, depth: number): unknown {
  const readings = options.map((option) => walk(option, value, depth));
  // The common case costs no parse: no member drops anything.
  if (readings.every((reading) => reading === value)) return value;
  const index = options.findIndex((option, at) => fits(option, readings[at]));
  return index === -1 ? value : readings[index];
}

function fits(schema: z.core.$ZodType, value: unknown): boolean {
  try {
    return (schema as z.ZodType).safeParse(value).success;
  } catch {
    // An async refinement cannot run here; the user's own parse reports it.
    return false;
  }
}
