import { ownValue, setOwnValue } from './own-property';

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
  /**
   * Called when the tree holds a value its JSON gives back as something else: a `Date` (a
   * string), a `Map`, a `Set` or a class instance without a `toJSON` (a plain object), `NaN`
   * or `Infinity` (`null`), a function, or `undefined` in an array. An object with its own
   * `toJSON` (an agentchart error, an XState actor reference) is written as its class says.
   * Not called for nodes shared with `previous`.
   */
  onLoss?: () => void;
}

/** The {@link SealJsonOptions.onLoss} of the sealing under way (sealing is synchronous). */
let reportLoss: (() => void) | undefined;

/**
 * `value` as a sealed JSON tree (see the module's description): what `JSON.stringify(value)`
 * would write, as frozen values, sharing every node it has in common with `previous` at the
 * same place. `undefined` when JSON would write nothing. Throws a TypeError on a cycle (or
 * nesting deeper than 2,000 levels) and on a `BigInt`, as `JSON.stringify` does. Its cost
 * follows the nodes not shared with `previous`, not the size of the tree.
 */
export function sealJson(
  value: unknown,
  { inPlace = false, previous, onLoss }: SealJsonOptions = {},
): unknown {
  const outer = reportLoss;
  reportLoss = onLoss;
  try {
    const sealed = seal(value, previous, inPlace, '', 0);
    return sealed === omitted ? undefined : sealed;
  } finally {
    reportLoss = outer;
  }
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
      if (Number.isFinite(value)) return value;
      reportLoss?.();
      return null;
    case 'undefined':
      return omitted;
    case 'function':
    case 'symbol':
      reportLoss?.();
      return omitted;
    case 'bigint':
      // The TypeError JSON.stringify throws, saying what to do.
      throw new TypeError(
        `Do not know how to serialize a BigInt (${value}n): a checkpoint holds JSON values only. Keep the number as a string of digits (String(value)), or as a number when it is below 2^53.`,
      );
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
  if (typeof toJSON === 'function') {
    // A class's own JSON is its author's choice (an error's code and message, XState's actor
    // reference, which XState restores); a Date's is a string in its place.
    if (node instanceof Date) reportLoss?.();
    return seal(toJSON.call(node, key), undefined, false, key, depth + 1);
  }
  if (!plain && (node instanceof Number || node instanceof String || node instanceof Boolean)) {
    return seal(node.valueOf(), undefined, false, key, depth + 1);
  }
  if (!plain) reportLoss?.();
  return freeze(sealObject(node, previous, inPlace && plain, depth));
}

function freeze<T extends object>(node: T): T {
  return Object.freeze(node);
}

/*
 * sealArray and sealObject make a node only when they must: sealing in place, none while
 * every child is the one given; copying, none while every child is the one at the same place
 * in `previous`, which is then the sealed node (a copy equal to it would tell a store's delta
 * that something changed, and cost an allocation and a freeze).
 */

function sealArray(
  array: readonly unknown[],
  previous: unknown,
  inPlace: boolean,
  depth: number,
): unknown[] {
  const before = Array.isArray(previous) ? previous : undefined;
  let copy: unknown[] | undefined;
  let asBefore = !inPlace && before?.length === array.length;
  // The items that are the previous tree's, at the same places, need no more than this one
  // comparison each: an array appended to (a log, a conversation) is all of them but its end.
  for (let index = before ? sharedPrefix(array, before) : 0; index < array.length; index++) {
    const item = array[index];
    const was = before?.[index];
    // The node at the same place in the previous (sealed) tree is sealed already.
    let sealed =
      was !== undefined && item === was ? item : seal(item, was, inPlace, String(index), depth + 1);
    if (sealed === omitted) {
      // `undefined` in an array: `null` in JSON (a function or symbol reported already).
      if (item === undefined) reportLoss?.();
      sealed = null;
    }
    if (copy) copy[index] = sealed;
    else if (inPlace) {
      if (sealed !== item) copy = copyItemsUpTo(array, index, array.length, sealed);
    } else if (!asBefore || sealed !== was) {
      // Every item so far is the previous tree's (or there are none).
      copy = copyItemsUpTo(before, index, array.length, sealed);
      asBefore = false;
    }
  }
  if (copy) return copy;
  if (inPlace) return array as unknown[];
  if (asBefore) return before!;
  // Every item is the previous tree's, and there are fewer of them (or none).
  return before ? before.slice(0, array.length) : [];
}

/**
 * How many items `array` starts with that are those of `before` (a sealed array) at the same
 * places. A sealed array holds no `undefined`, so an item equal to its own is sealed as it is.
 */
function sharedPrefix(array: readonly unknown[], before: readonly unknown[]): number {
  const length = Math.min(array.length, before.length);
  let index = 0;
  while (index < length && array[index] === before[index]) index++;
  return index;
}

function sealObject(object: object, previous: unknown, inPlace: boolean, depth: number): object {
  const before =
    typeof previous === 'object' && previous !== null && !Array.isArray(previous)
      ? (previous as Record<string, unknown>)
      : undefined;
  const record = object as Record<string, unknown>;
  const keys = Object.keys(record);
  let copy: Record<string, unknown> | undefined;
  let asBefore = !inPlace && before !== undefined;
  for (let index = 0; index < keys.length; index++) {
    const key = keys[index]!;
    const item = record[key];
    // Own only: `before.__proto__` is Object.prototype when `before` has no such key, and
    // sealing `{}` against it gave (and froze) Object.prototype itself.
    const was = ownValue(before, key);
    const sealed =
      was !== undefined && item === was ? item : seal(item, was, inPlace, key, depth + 1);
    if (copy) {
      if (sealed !== omitted) setOwnValue(copy, key, sealed);
    } else if (inPlace) {
      if (sealed !== item) copy = copyUpTo(keys, index, record, sealed);
    } else if (!asBefore || sealed !== was) {
      // Every value so far is the previous tree's (or there are none).
      copy = copyUpTo(keys, index, before, sealed);
      asBefore = false;
    }
  }
  if (copy) return copy;
  if (inPlace) return object;
  if (asBefore && hasKeysInOrder(before!, keys)) return before!;
  // The previous tree's values, under this object's keys (or none).
  return copyUpTo(keys, keys.length, before, omitted);
}

/**
 * A new node with the values `source` has under `keys` before `index`, then `sealed` under
 * the key at `index` (unless omitted). Apart from sealObject to keep its stack frame small:
 * sealing recurses once per level of nesting.
 */
function copyUpTo(
  keys: readonly string[],
  index: number,
  source: Record<string, unknown> | undefined,
  sealed: unknown,
): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (let at = 0; at < index; at++) setOwnValue(copy, keys[at]!, source![keys[at]!]);
  if (sealed !== omitted) setOwnValue(copy, keys[index]!, sealed);
  return copy;
}

/** Like {@link copyUpTo}, for an array of `length` items. */
function copyItemsUpTo(
  source: readonly unknown[] | undefined,
  index: number,
  length: number,
  sealed: unknown,
): unknown[] {
  const copy = new Array(length);
  for (let at = 0; at < index; at++) copy[at] = source![at];
  copy[index] = sealed;
  return copy;
}

/** True when `object`'s own enumerable keys are `keys`, in that order. */
function hasKeysInOrder(object: object, keys: readonly string[]): boolean {
  let index = 0;
  for (const key in object) {
    if (keys[index++] !== key) return false;
  }
  return index === keys.length;
}
