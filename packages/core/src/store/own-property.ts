/**
 * Reading and writing JSON trees by key with own-property semantics, as `JSON.parse` builds
 * them. A plain `node[key]` follows the prototype: `__proto__` reads `Object.prototype` and
 * writing it replaces the node's prototype, so a key in stored or tool-made JSON could reach
 * every object of the process.
 */

/** What `node` holds under `key` as its own property; `undefined` for one it only inherits. */
export function ownValue(node: unknown, key: string | number): unknown {
  if (typeof node !== 'object' || node === null || !Object.hasOwn(node, key)) return undefined;
  return (node as Record<string | number, unknown>)[key];
}

/** Sets an own data property, `__proto__` included (as JSON.parse does). */
export function setOwnValue(
  node: Record<string | number, unknown>,
  key: string | number,
  value: unknown,
): void {
  if (key === '__proto__') {
    Object.defineProperty(node, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else {
    node[key] = value;
  }
}
