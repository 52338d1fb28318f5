const asRecord = (value: unknown): Record<string, unknown> | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;

/**
 * Keywords OpenAI's strict mode answers with a 400 ("'allOf' is not permitted"). `oneOf` is
 * not among them: it is sent as `anyOf` (see {@link toStrictJsonSchema}).
 */
const refusedKeywords = [
  'allOf',
  'not',
  'if',
  'then',
  'else',
  'dependentRequired',
  'dependentSchemas',
  'patternProperties',
  'unevaluatedProperties',
  'propertyNames',
  'additionalItems',
];

function subschemas(schema: Record<string, unknown>): unknown[] {
  const children: unknown[] = [];
  for (const key of ['properties', '$defs', 'definitions', 'patternProperties']) {
    const record = asRecord(schema[key]);
    if (record) children.push(...Object.values(record));
  }
  for (const key of ['anyOf', 'oneOf', 'allOf', 'prefixItems']) {
    if (Array.isArray(schema[key])) children.push(...(schema[key] as unknown[]));
  }
  for (const key of ['items', 'additionalProperties', 'not']) {
    if (asRecord(schema[key])) children.push(schema[key]);
  }
  return children;
}

/** Keywords that say what a value is; a subschema with none of them takes anything. */
const shapeKeywords = ['type', 'anyOf', 'oneOf', '$ref', 'const', 'enum'];

/**
 * Whether OpenAI's strict structured outputs accept a schema's shape as
 * {@link toStrictJsonSchema} sends it: an object at the root (not a union, an array or a
 * string), every object closed (`additionalProperties: false`) with every property required,
 * no tuple `items` lists, no keyword strict mode refuses, within its size limits
 * ({@link strictLimits}), and no subschema that takes any
 * value (`{}`, what zod emits for `z.unknown()` and `z.any()`: strict mode wants a type). Strict mode rejects other
 * schemas with a 400, so strictness is only asked for when the schema already qualifies
 * (zod's `z.toJSONSchema` leaves objects open unless they are `z.strictObject`).
 */
export function isStrictCompatible(schema: unknown): boolean {
  const root = asRecord(schema);
  return root?.type === 'object' && isStrictNode(root, 0) && withinStrictLimits(root);
}

/**
 * OpenAI's published limits on a strict schema's size, past which it answers every request
 * with a 400 ("6 levels of nesting exceeds limit of 5"): object nesting, properties in all,
 * enum values in all, and the characters of every property name, definition name, enum value
 * and const value together; a string enum of more than 250 values has its own character limit.
 */
const strictLimits = {
  levels: 10,
  properties: 5_000,
  enumValues: 1_000,
  characters: 120_000,
  largeEnumValues: 250,
  largeEnumCharacters: 15_000,
};

interface SchemaSize {
  levels: number;
  properties: number;
  enumValues: number;
  characters: number;
  largeEnumCharacters: number;
}

/**
 * Whether a schema fits {@link strictLimits}. Arrays count as a level like objects: OpenAI
 * does not say whether they do, and a schema sent without strict mode only loses the
 * guarantee, where one sent strict past a limit fails every call. Definitions are measured
 * from the root's level, as if used there.
 */
function withinStrictLimits(schema: Record<string, unknown>): boolean {
  const size: SchemaSize = {
    levels: 0,
    properties: 0,
    enumValues: 0,
    characters: 0,
    largeEnumCharacters: 0,
  };
  measure(schema, 0, size);
  return (
    size.levels <= strictLimits.levels &&
    size.properties <= strictLimits.properties &&
    size.enumValues <= strictLimits.enumValues &&
    size.characters <= strictLimits.characters &&
    size.largeEnumCharacters <= strictLimits.largeEnumCharacters
  );
}

function measure(schema: unknown, level: number, size: SchemaSize): void {
  const record = asRecord(schema);
  // Deeper than any schema that qualifies (isStrictNode refuses them); not walked further.
  if (!record || level > 64) return;
  const properties = asRecord(record.properties);
  const nests = record.type === 'object' || record.type === 'array' || properties !== undefined;
  const here = nests ? level + 1 : level;
  size.levels = Math.max(size.levels, here);
  for (const name of Object.keys(properties ?? {})) {
    size.properties++;
    size.characters += name.length;
  }
  for (const key of ['$defs', 'definitions']) {
    for (const name of Object.keys(asRecord(record[key]) ?? {})) size.characters += name.length;
  }
  const values = Array.isArray(record.enum) ? record.enum : [];
  size.enumValues += values.length;
  const strings = values.filter((value): value is string => typeof value === 'string');
  const characters = strings.reduce((total, value) => total + value.length, 0);
  size.characters += characters;
  if (strings.length > strictLimits.largeEnumValues) {
    size.largeEnumCharacters = Math.max(size.largeEnumCharacters, characters);
  }
  if (typeof record.const === 'string') size.characters += record.const.length;
  for (const child of subschemas(record)) measure(child, here, size);
}

function isStrictNode(schema: unknown, depth: number): boolean {
  const record = asRecord(schema);
  if (!record) return true;
  // Deeper than any schema a model is asked to fill; a cycle, not a schema.
  if (depth > 64) return false;
  if (refusedKeywords.some((keyword) => keyword in record)) return false;
  if (!shapeKeywords.some((keyword) => keyword in record)) return false;
  // Draft-7 tuples (`z.tuple`): a list of item schemas, which strict mode does not take.
  if (Array.isArray(record.items)) return false;
  const properties = asRecord(record.properties);
  if (record.type === 'object' || properties) {
    if (record.additionalProperties !== false) return false;
    const required = Array.isArray(record.required) ? record.required : [];
    if (Object.keys(properties ?? {}).some((key) => !required.includes(key))) return false;
  }
  return subschemas(record).every((child) => isStrictNode(child, depth + 1));
}

/**
 * The schema as strict mode takes it: `oneOf` (what zod emits for `z.discriminatedUnion`)
 * becomes `anyOf`, which strict mode supports and which means the same for alternatives that
 * exclude each other; `default` (from zod's `.default()`), which strict mode refuses, is
 * left out — the answer is still parsed with the zod schema, which applies it.
 */
export function toStrictJsonSchema(schema: Record<string, unknown>): Record<string, unknown> {
  return rewrite(schema, 0) as Record<string, unknown>;
}

function rewrite(value: unknown, depth: number): unknown {
  if (depth > 64) return value;
  if (Array.isArray(value)) return value.map((item) => rewrite(item, depth + 1));
  const record = asRecord(value);
  if (!record) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(record)) {
    if (key === 'default') continue;
    // Property names are the user's, not keywords: a property called "default" stays.
    if (key === 'properties' || key === '$defs' || key === 'definitions') {
      copy[key] = Object.fromEntries(
        Object.entries(asRecord(child) ?? {}).map(([name, sub]) => [name, rewrite(sub, depth + 1)]),
      );
      continue;
    }
    copy[key === 'oneOf' && !('anyOf' in record) ? 'anyOf' : key] = rewrite(child, depth + 1);
  }
  return copy;
}
