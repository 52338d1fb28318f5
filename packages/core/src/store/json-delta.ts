/**
 * Structural deltas between two JSON trees, so a checkpoint stores what changed since the
 * previous one instead of the whole state again. Built for the way agent state grows: a
 * message history that gains an item per step, and copies of it (an invoked actor's input)
 * that extend an array already stored — those become a reference plus the new items.
 */

import { ownValue, setOwnValue } from './own-property';

/** A path from the root: object keys and array indexes. */
export type JsonPath = (string | number)[];

/**
 * One change. `s` sets a value, `d` deletes a key, `t` truncates an array, `x` sets an
 * array to a copy of `length` items of an array found at `from` in the previous tree,
 * followed by `items`.
 */
export type JsonDeltaOp =
  | ['s', JsonPath, unknown]
  | ['d', JsonPath]
  | ['t', JsonPath, number]
  | ['x', JsonPath, JsonPath, number, unknown[]];

/** Arrays shorter than this are written out rather than shared. */
const minSharedLength = 4;

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Deep equality of two JSON values. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (isObject(a)) {
    if (!isObject(b)) return false;
    const keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length) return false;
    for (const key of keys) if (!Object.hasOwn(b, key) || !jsonEqual(a[key], b[key])) return false;
    return true;
  }
  return false;
}

/**
 * The ops that turn `prev` into `next` (both plain JSON values: parsed, or sealed trees that
 * share unchanged nodes — see `sealJson`). Their size follows what changed, not the size of
 * the trees; for sealed trees so does the time taken, since a node that is the same object in
 * both is skipped without being compared.
 */
export function diffJson(prev: unknown, next: unknown): JsonDeltaOp[] {
  const ops: JsonDeltaOp[] = [];
  let shared: { path: JsonPath; array: unknown[] }[] | undefined;
  const sharedArrays = () => {
    shared ??= collectArrays(prev);
    return shared;
  };

  const encodeNew = (value: unknown, path: JsonPath): JsonDeltaOp[] => {
    if (Array.isArray(value) && value.length >= minSharedLength) {
      const source = longestPrefixSource(sharedArrays(), value);
      if (source) {
        return [['x', path, source.path, source.array.length, value.slice(source.array.length)]];
      }
    }
    if (Array.isArray(value) || isObject(value)) {
      const entries: [string | number, unknown][] = Array.isArray(value)
        ? value.map((item, index) => [index, item])
        : Object.entries(value);
      const parts = entries.map(([key, item]) => encodeNew(item, [...path, key]));
      // Only split an object when a part of it is shared; otherwise one literal set is smaller.
      if (parts.every((part) => part.length === 1 && part[0]![0] === 's')) {
        return [['s', path, value]];
      }
      return [['s', path, Array.isArray(value) ? [] : {}], ...parts.flat()];
    }
    return [['s', path, value]];
  };

  // The path of the node being compared, one shared stack: most nodes are equal, and a path
  // is copied only for an op (a copy per visited node cost more than the comparison).
  const path: JsonPath = [];
  const at = (key?: string | number): JsonPath => (key === undefined ? [...path] : [...path, key]);
  const walk = (a: unknown, b: unknown): void => {
    if (a === b) return;
    if (Array.isArray(a) && Array.isArray(b)) {
      const common = Math.min(a.length, b.length);
      for (let i = 0; i < common; i++) {
        // Most items are unchanged (an array that grew); skip them before touching the path.
        if (a[i] === b[i]) continue;
        path.push(i);
        walk(a[i], b[i]);
        path.pop();
      }
      if (b.length < a.length) ops.push(['t', at(), b.length]);
      for (let i = a.length; i < b.length; i++) ops.push(...encodeNew(b[i], at(i)));
      return;
    }
    if (isObject(a) && isObject(b)) {
      // Own keys only: `key in` finds `__proto__` and `constructor` on every object.
      for (const key of Object.keys(a)) if (!Object.hasOwn(b, key)) ops.push(['d', at(key)]);
      for (const key of Object.keys(b)) {
        const value = b[key];
        if (Object.hasOwn(a, key)) {
          if (a[key] === value) continue;
          path.push(key);
          walk(a[key], value);
          path.pop();
        } else {
          ops.push(...encodeNew(value, at(key)));
        }
      }
      return;
    }
    ops.push(...encodeNew(b, at()));
  };

  walk(prev, next);
  return ops;
}

/**
 * Applies `ops` to `base` in place and returns the result (the root may be replaced). Shared
 * arrays are taken from `base` as it was before any op, so ops never alias each other.
 * Ops come from a stored row, which may have been forged: a path follows own properties only,
 * and a key is set as an own property, so no op reaches a prototype (a key `__proto__` is
 * data, as `JSON.parse` makes it). Throws on an op that does not apply.
 *
 * An `x` op's new array shares its source's items, not copies of them: rebuilding a thread
 * applies up to as many deltas as its history has messages, and a deep copy of the history
 * at each made reading a long conversation's checkpoint quadratic in its length. An op that
 * writes below such an item copies the item first (copy on write): `sharing` holds the
 * containers whose items may be held elsewhere too, and is kept across the deltas of one
 * chain, since a later delta may write below an item an earlier one shared.
 */
export function applyJsonDelta(
  base: unknown,
  ops: readonly JsonDeltaOp[],
  sharing: WeakSet<object> = new WeakSet(),
): unknown {
  if (!Array.isArray(ops)) throw new Error('delta is not a list of ops');
  for (const op of ops) checkOp(op);
  const sources = new Map<JsonDeltaOp, unknown[]>();
  for (const op of ops) {
    if (op[0] !== 'x') continue;
    const source = getAt(base, op[2]);
    if (!Array.isArray(source) || source.length !== op[3]) {
      throw new Error(`delta refers to an array at ${op[2].join('.')} that is not there`);
    }
    // Its items as they are now: a later op of this delta may change the array itself.
    sources.set(op, source.slice());
    sharing.add(source);
  }
  let root = base;
  for (const op of ops) {
    let value: unknown;
    if (op[0] === 's') value = op[2];
    else if (op[0] === 'x') {
      value = [...sources.get(op)!, ...op[4]];
      sharing.add(value as unknown[]);
    }
    const path = op[1];
    if (path.length === 0) {
      if (op[0] !== 's' && op[0] !== 'x') throw new Error(`delta op ${op[0]} on the root`);
      root = value;
      continue;
    }
    const parent = ownedAt(root, path.slice(0, -1), sharing);
    const key = path[path.length - 1]!;
    if (typeof parent !== 'object' || parent === null) {
      throw new Error(`delta path ${path.join('.')} has no parent`);
    }
    const container = parent as Record<string | number, unknown>;
    if (op[0] === 'd') {
      if (Object.hasOwn(container, key)) delete container[key];
    } else if (op[0] === 't') {
      const array = ownedAt(root, path, sharing);
      if (!Array.isArray(array)) throw new Error(`delta truncates ${path.join('.')}, not an array`);
      array.length = op[2];
    } else {
      setOwnValue(container, key, value);
    }
  }
  return root;
}

/**
 * The node at `path`, made this tree's own to write: a node held by a container in `sharing`
 * may be another container's item too, and is replaced by a shallow copy (whose own items are
 * then shared in turn) before anything below it is written.
 */
function ownedAt(root: unknown, path: JsonPath, sharing: WeakSet<object>): unknown {
  let current = root;
  for (const key of path) {
    let next = ownValue(current, key);
    if (typeof next === 'object' && next !== null && sharing.has(current as object)) {
      next = Array.isArray(next) ? next.slice() : { ...(next as JsonObject) };
      setOwnValue(current as Record<string | number, unknown>, key, next);
      sharing.add(next as object);
    }
    current = next;
  }
  return current;
}

/** The node at `path`, following own properties only. */
function getAt(root: unknown, path: JsonPath): unknown {
  let current = root;
  for (const key of path) current = ownValue(current, key);
  return current;
}

/**
 * Throws unless `op` has the shape of a {@link JsonDeltaOp} whose paths hold only keys and
 * indexes: a list such as `['__proto__']` in a path would be read as the key `__proto__`.
 */
function checkOp(op: unknown): asserts op is JsonDeltaOp {
  const isPath = (path: unknown): path is JsonPath =>
    Array.isArray(path) &&
    path.every((key) => typeof key === 'string' || Number.isSafeInteger(key));
  // Its kind and path only: a set's value may be the size of the state.
  const named = () =>
    `delta op ${JSON.stringify(Array.isArray(op) ? op.slice(0, 2) : op)?.slice(0, 200)}`;
  if (!Array.isArray(op) || !isPath(op[1]))
    throw new Error(`${named()} is not an op with a path of keys`);
  const valid =
    (op[0] === 's' && op.length === 3) ||
    (op[0] === 'd' && op.length === 2) ||
    (op[0] === 't' && op.length === 3 && Number.isSafeInteger(op[2]) && op[2] >= 0) ||
    (op[0] === 'x' &&
      op.length === 5 &&
      isPath(op[2]) &&
      Number.isSafeInteger(op[3]) &&
      Array.isArray(op[4]));
  if (!valid) throw new Error(`${named()} does not have the fields of its kind`);
}

function collectArrays(root: unknown): { path: JsonPath; array: unknown[] }[] {
  const found: { path: JsonPath; array: unknown[] }[] = [];
  const visit = (value: unknown, path: JsonPath) => {
    if (Array.isArray(value)) {
      if (value.length >= minSharedLength) found.push({ path, array: value });
      for (const [index, item] of value.entries()) visit(item, [...path, index]);
    } else if (isObject(value)) {
      for (const [key, item] of Object.entries(value)) visit(item, [...path, key]);
    }
  };
  visit(root, []);
  return found;
}

/** The longest array of `candidates` that `value` starts with, if any. */
function longestPrefixSource(
  candidates: readonly { path: JsonPath; array: unknown[] }[],
  value: unknown[],
): { path: JsonPath; array: unknown[] } | undefined {
  let best: { path: JsonPath; array: unknown[] } | undefined;
  for (const candidate of candidates) {
    const { array } = candidate;
    if (array.length > value.length || (best && array.length <= best.array.length)) continue;
    // Cheap checks first: the first and last shared items.
    if (!jsonEqual(array[0], value[0]) || !jsonEqual(array.at(-1), value[array.length - 1])) {
      continue;
    }
    let prefix = true;
    for (let i = 1; i < array.length - 1 && prefix; i++) prefix = jsonEqual(array[i], value[i]);
    if (prefix) best = candidate;
  }
  return best;
}
