/**
 * Checkpoint state as frozen JSON trees that share structure from one checkpoint to the next,
 * so storing a step costs what the step changed, not the size of the state.
 *
 * A sealed tree holds only JSON values — what `JSON.stringify` would write, as a parse of that
 * would give them back — with every object and array in it frozen. A node of a new tree that
 * is the very object found at the same place in the previous tree is therefore unchanged, and
 * nothing needs to look into it: not the sealing, and not a store's delta (see `diffJson`).
 */

/** What JSON leaves out: `undefined`, functions and symbols (dropped from objects, `null` in arrays). */
const omitted = Symbol('omitted');

/** Deeper than this, a tree is taken for a cycle (JSON.stringify would throw on one). */
const maxDepth = 2_000;

/** Options of {@link sealJson}. */
export interface SealJsonOptions {
  /**
   * Freeze plain objects and arrays where they are instead of copying them. For the machine's
   * context: XState updates it by creating new objects (`assign`), so most of it is the same
   * objects from one step to the next, and freezing them makes that sharing safe. A node that
   * is not plain JSON (a class instance, a `Date`, an actor reference) is copied instead, and
   * so is everything under it. Default false: every node is copied (except those shared with
   * `previous`), and the value given is never changed.
   */
  inPlace?: boolean;
  /**
   * The sealed tree of this value's previous version (the last checkpoint's). A node found at
   * the same place in both is taken as it is: it is sealed already.
   */
  previous?: unknown;
}

/**
 * `value` as a sealed JSON tree (see the module's description): what `JSON.stringify(value)`
 * would write, as frozen values, sharing every node it has in common with `previous` at the
 * same place. `undefined` when JSON would write nothing. Throws a TypeError on a cycle (or
 * nesting deeper than 2,000 levels) and on a `BigInt`, as `JSON.stringify` does. Its cost
 * follows the nodes not shared with `previous`, not the size of the tree.
 */
export function sealJson(
  value: unknown,
  { inPlace = false, previous }: SealJsonOptions = {},
): unknown {
  const sealed = seal(value, previous, inPlace, '', 0);
  return sealed === omitted ? undefined : sealed;
}

function seal(
  value: unknown,
  previous: unknown,
  inPlace: boolean,
  key: string,
  depth: number,
): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : null;
    case 'undefined':
    case 'function':
    case 'symbol':
      return omitted;
    case 'bigint':
      // The TypeError JSON.stringify throws.
      return JSON.stringify(value);
  }
  if (value === null) return null;
  if (value === previous) return value;
  if (depth > maxDepth) {
    throw new TypeError(
      `Converting circular structure to JSON: a checkpoint holds JSON values only, and this one refers to itself (or nests deeper than ${maxDepth} levels).`,
    );
  }
  const node = value as object;
  const prototype = Object.getPrototypeOf(node);
  if (Array.isArray(node)) {
    return freeze(sealArray(node, previous, inPlace && prototype === Array.prototype, depth));
  }
  const plain = prototype === Object.prototype || prototype === null;
  const toJSON = (node as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function')
    return seal(toJSON.call(node, key), undefined, false, key, depth + 1);
  if (!plain && (node instanceof Number || node instanceof String || node instanceof Boolean)) {
    return seal(node.valueOf(), undefined, false, key, depth + 1);
  }
  return freeze(sealObject(node, previous, inPlace && plain, depth));
}

function freeze<T extends object>(node: T): T {
  return Object.freeze(node);
}

function sealArray(
  array: readonly unknown[],
  previous: unknown,
  inPlace: boolean,
  depth: number,
): unknown[] {
  const before = Array.isArray(previous) ? previous : undefined;
  let copy: unknown[] | undefined = inPlace ? undefined : new Array(array.length);
  for (let index = 0; index < array.length; index++) {
    const item = array[index];
    const was = before?.[index];
    // The node at the same place in the previous (sealed) tree is sealed already.
    let sealed =
      was !== undefined && item === was ? item : seal(item, was, inPlace, String(index), depth + 1);
    if (sealed === omitted) sealed = null;
    if (copy) copy[index] = sealed;
    else if (sealed !== item) {
      copy = array.slice(0, index);
      copy[index] = sealed;
    }
  }
  return copy ?? (array as unknown[]);
}

function sealObject(object: object, previous: unknown, inPlace: boolean, depth: number): object {
  const before =
    typeof previous === 'object' && previous !== null && !Array.isArray(previous)
      ? (previous as Record<string, unknown>)
      : undefined;
  const record = object as Record<string, unknown>;
  const keys = Object.keys(record);
  let copy: Record<string, unknown> | undefined = inPlace ? undefined : {};
  for (let index = 0; index < keys.length; index++) {
    const key = keys[index]!;
    const item = record[key];
    const was = before?.[key];
    const sealed =
      was !== undefined && item === was ? item : seal(item, was, inPlace, key, depth + 1);
    if (!copy && sealed !== item) {
      copy = {};
      for (let at = 0; at < index; at++) setOwn(copy, keys[at]!, record[keys[at]!]);
    }
    if (copy && sealed !== omitted) setOwn(copy, key, sealed);
  }
  return copy ?? object;
}

/** Sets an own data property, `__proto__` included (as JSON.parse does). */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else {
    target[key] = value;
  }
}
