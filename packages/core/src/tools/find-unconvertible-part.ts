import type { z } from 'zod';
import { definitionOf } from '../output/sent-as-nullable';

// Deeper than any schema a model is asked to fill: a lazy schema that only wraps itself.
const maxDepth = 64;

/** The parts of a schema that hold others, each with the path segment it adds (none: ''). */
function partsOf(schema: z.core.$ZodType): Array<[string, z.core.$ZodType]> {
  const definition = definitionOf(schema);
  const parts: Array<[string, z.core.$ZodType | null | undefined]> = [
    ...Object.entries(definition.shape ?? {}),
    ...(definition.items ?? []).map((item, index): [string, z.core.$ZodType] => [
      `[${index}]`,
      item,
    ]),
    ...(definition.options ?? []).map((option): [string, z.core.$ZodType] => ['', option]),
    ['[]', definition.element],
    ['[]', definition.rest],
    ['{key}', definition.valueType],
    ['{key}', definition.catchall],
    ['', definition.innerType],
    ['', definition.left],
    ['', definition.right],
    ['', definition.in],
    ['', definition.out],
    ['', definition.type === 'lazy' ? definition.getter?.() : undefined],
  ];
  return parts.filter((part): part is [string, z.core.$ZodType] => part[1] != null);
}

const join = (path: string, segment: string) =>
  !segment ? path : !path || segment.startsWith('[') ? `${path}${segment}` : `${path}.${segment}`;

/**
 * Where in a schema the part is that `fails` (a conversion that throws) — `lines[].shippedAt`
 * — so an error can name the key to change; `undefined` when no single part fails alone.
 * Only walked once the whole schema has failed.
 */
export function findUnconvertiblePart(
  schema: z.core.$ZodType,
  fails: (part: z.core.$ZodType) => boolean,
  path = '',
  depth = 0,
): string | undefined {
  // A zod 3 schema has no `_zod` definitions to walk (its own error says so).
  if (depth > maxDepth || !(schema as Partial<z.core.$ZodType>)._zod) return undefined;
  for (const [segment, part] of partsOf(schema)) {
    if (!fails(part)) continue;
    const partPath = join(path, segment);
    return findUnconvertiblePart(part, fails, partPath, depth + 1) ?? partPath;
  }
  return undefined;
}
