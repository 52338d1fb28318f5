const asRecord = (value: unknown): Record<string, unknown> | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;

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

/**
 * Whether OpenAI's strict structured outputs accept a schema's shape: every object closed
 * (`additionalProperties: false`) with every property required. Strict mode rejects other
 * schemas with a 400, so strictness is only asked for when the schema already qualifies
 * (zod's `z.toJSONSchema` leaves objects open unless they are `z.strictObject`).
 */
export function isStrictCompatible(schema: unknown, depth = 0): boolean {
  const record = asRecord(schema);
  if (!record) return true;
  // Deeper than any schema a model is asked to fill; a cycle, not a schema.
  if (depth > 64) return false;
  const properties = asRecord(record.properties);
  if (record.type === 'object' || properties) {
    if (record.additionalProperties !== false) return false;
    const required = Array.isArray(record.required) ? record.required : [];
    if (Object.keys(properties ?? {}).some((key) => !required.includes(key))) return false;
  }
  return subschemas(record).every((child) => isStrictCompatible(child, depth + 1));
}
