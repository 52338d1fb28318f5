/**
 * How many nodes (objects and arrays) a JSON Schema has once every local `$ref` is expanded
 * where it is used, counted up to `limit` (anything larger is `limit + 1`). Definitions that
 * each refer twice to the next double in size at every level: 30 of them are a billion nodes,
 * which zod's conversion back to JSON Schema walks one by one. This count remembers each
 * definition's size, so it takes time linear in the schema as written.
 */
export function expandedSchemaSize(schema: unknown, limit: number): number {
  const sizes = new Map<object, number>();
  const expanding = new Set<object>();
  const sizeOf = (node: unknown): number => {
    if (typeof node !== 'object' || node === null) return 0;
    const known = sizes.get(node);
    if (known !== undefined) return known;
    // A recursive reference: converters expand it lazily, once.
    if (expanding.has(node)) return 1;
    expanding.add(node);
    let size = 1;
    for (const value of Array.isArray(node) ? node : Object.values(node)) {
      if (size > limit) break;
      size += sizeOf(value);
    }
    const ref = (node as { $ref?: unknown }).$ref;
    if (typeof ref === 'string' && size <= limit) size += sizeOf(resolveLocal(schema, ref));
    expanding.delete(node);
    size = Math.min(size, limit + 1);
    sizes.set(node, size);
    return size;
  };
  try {
    return sizeOf(schema);
  } catch {
    // Nested deeper than the call stack: no converter walks it either.
    return limit + 1;
  }
}

/** The node a local reference (`#`, `#/$defs/name`) points at, or undefined. */
function resolveLocal(root: unknown, ref: string): unknown {
  if (ref !== '#' && !ref.startsWith('#/')) return undefined;
  let node: unknown = root;
  for (const raw of ref.slice(2).split('/').filter(Boolean)) {
    const key = decodeURIComponent(raw).replaceAll('~1', '/').replaceAll('~0', '~');
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, key)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** How many nodes (objects and arrays) a JSON Schema has as written, references unexpanded. */
export function writtenSchemaSize(schema: unknown): number {
  let size = 0;
  const pending: unknown[] = [schema];
  while (pending.length > 0) {
    const node = pending.pop();
    if (typeof node !== 'object' || node === null) continue;
    size++;
    for (const value of Array.isArray(node) ? node : Object.values(node)) pending.push(value);
  }
  return size;
}
