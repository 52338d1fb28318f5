/**
 * The keywords `z.fromJSONSchema` enforces, and the annotations it may pass over: a keyword
 * outside this list (`dependencies`, `uniqueItems`, a vendor's `x-…` …) zod ignores or may
 * ignore, so a schema using one goes to Ajv, which checks it or refuses the schema.
 */
const zodKeywords = new Set([
  '$schema',
  '$ref',
  '$defs',
  'definitions',
  '$comment',
  'type',
  'enum',
  'const',
  'anyOf',
  'oneOf',
  'allOf',
  'properties',
  'required',
  'additionalProperties',
  'propertyNames',
  'minProperties',
  'maxProperties',
  'items',
  'prefixItems',
  'minItems',
  'maxItems',
  'contains',
  'minLength',
  'maxLength',
  'format',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'nullable',
  'title',
  'description',
  'default',
  'examples',
  'deprecated',
  'readOnly',
  'writeOnly',
]);

/** The keywords whose value is a map of subschemas. */
const schemaMaps = new Set(['properties', '$defs', 'definitions']);
/** The keywords whose value is a subschema, or a list of them (`items` in draft-07). */
const subschemas = new Set([
  'anyOf',
  'oneOf',
  'allOf',
  'additionalProperties',
  'propertyNames',
  'items',
  'prefixItems',
  'contains',
]);

/**
 * True when every keyword in `schema` and its subschemas is one zod enforces (or an
 * annotation), so converting it with zod loosens nothing.
 */
export function zodChecksEveryKeyword(schema: unknown): boolean {
  // A loop, not recursion: a server's schema may be nested deeper than the call stack.
  const pending: unknown[] = [schema];
  while (pending.length > 0) {
    const node = pending.pop();
    if (typeof node === 'boolean') continue;
    if (typeof node !== 'object' || node === null || Array.isArray(node)) return false;
    for (const [key, value] of Object.entries(node)) {
      if (!zodKeywords.has(key)) return false;
      if (schemaMaps.has(key)) {
        if (typeof value !== 'object' || value === null) return false;
        pending.push(...Object.values(value));
      } else if (subschemas.has(key)) {
        if (Array.isArray(value)) pending.push(...value);
        else pending.push(value);
      }
    }
  }
  return true;
}
