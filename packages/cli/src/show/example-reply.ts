/** A JSON Schema, as far as an example reply needs it. */
interface SchemaLike {
  type?: string | string[];
  properties?: Record<string, SchemaLike>;
  required?: string[];
  items?: SchemaLike;
  enum?: unknown[];
  const?: unknown;
  anyOf?: SchemaLike[];
  oneOf?: SchemaLike[];
  default?: unknown;
}

/**
 * A small value that fits `schema`, to show how a reply is written: required properties
 * only, the first choice of an enum or a union, `true`, `0`, `"…"` and `[]` for the rest.
 */
export function exampleReply(schema: unknown, depth = 0): unknown {
  if (typeof schema !== 'object' || schema === null || depth > 8) return null;
  const node = schema as SchemaLike;
  if (node.const !== undefined) return node.const;
  if (node.default !== undefined) return node.default;
  if (node.enum?.length) return node.enum[0];
  const choice = node.anyOf?.[0] ?? node.oneOf?.[0];
  if (choice) return exampleReply(choice, depth + 1);
  const type = Array.isArray(node.type) ? node.type[0] : node.type;
  switch (type) {
    case 'object': {
      const value: Record<string, unknown> = {};
      for (const name of node.required ?? []) {
        value[name] = exampleReply(node.properties?.[name], depth + 1);
      }
      return value;
    }
    case 'array':
      return [];
    case 'boolean':
      return true;
    case 'number':
    case 'integer':
      return 0;
    case 'string':
      return '…';
    default:
      return null;
  }
}
