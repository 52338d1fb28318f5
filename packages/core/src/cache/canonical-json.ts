/** Options of {@link canonicalJson}. */
export interface CanonicalJsonOptions {
  /**
   * Called for each part of the value whose JSON form loses what it holds — a `Map`, a `Set`,
   * a class instance with no `toJSON` (written `{}`), a function or symbol (left out), a
   * non-finite number (`null`), a `BigInt` (JSON has none), a cycle — with its path and what
   * it is. Throw from it to refuse such values; when it returns, the part is written as
   * `JSON.stringify` would write it (a cycle as `null`). Absent: nothing is checked.
   */
  onLossy?: ((path: readonly (string | number)[], description: string) => void) | undefined;
}

/**
 * JSON with object keys sorted and `undefined` properties left out, so two values that mean
 * the same serialise the same (`{a, b}` and `{b, a}`). Arrays keep their order: order means
 * something in messages. Otherwise as `JSON.stringify`: a value with `toJSON` (a `URL`, a
 * `Date`, a `Buffer`) is written as what that returns, a boxed primitive as its value, and a
 * non-finite number as `null`.
 *
 * What JSON cannot write faithfully (a `Map`, a class instance with no `toJSON`) is written
 * as `JSON.stringify` writes it, often `{}`: two such values get the same text. Where that
 * matters — a hash a person's approval is bound to — pass `onLossy` to refuse them.
 *
 * @example
 * ```ts
 * canonicalJson({ b: new URL('https://a.example'), a: 1 }); // '{"a":1,"b":"https://a.example/"}'
 * ```
 */
export function canonicalJson(value: unknown, { onLossy }: CanonicalJsonOptions = {}): string {
  return write(value, '', onLossy === undefined ? undefined : { onLossy, path: [], open: [] });
}

/** Where the walk is, kept only when lossy parts are reported. */
interface Checking {
  onLossy: NonNullable<CanonicalJsonOptions['onLossy']>;
  path: (string | number)[];
  /** The objects being written, to find a cycle. */
  open: object[];
}

function write(value: unknown, key: string, checking: Checking | undefined): string {
  if (typeof value !== 'object' || value === null) {
    // A BigInt may be given a toJSON; JSON.stringify throws on one without.
    if (typeof value === 'bigint') {
      const toJSON = (Object(value) as { toJSON?: unknown }).toJSON;
      if (typeof toJSON === 'function') return write(toJSON.call(value, key), key, checking);
    }
    if (checking) checkPrimitive(value, checking);
    return JSON.stringify(value) ?? 'null';
  }
  // As JSON.stringify does, and before anything else: a URL or a Date is its toJSON.
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') return write(toJSON.call(value, key), key, checking);
  const array = Array.isArray(value);
  if (!array && Object.getPrototypeOf(value) !== Object.prototype) {
    if (value instanceof Number || value instanceof String || value instanceof Boolean) {
      return JSON.stringify(value.valueOf());
    }
    if (checking) checkPlain(value, checking);
  }
  if (!checking) return array ? writeArray(value, undefined) : writeObject(value, undefined);
  if (checking.open.includes(value)) {
    checking.onLossy(checking.path, 'a reference to an object that holds it (a cycle)');
    return 'null';
  }
  checking.open.push(value);
  const json = array ? writeArray(value, checking) : writeObject(value, checking);
  checking.open.pop();
  return json;
}

function writeArray(array: readonly unknown[], checking: Checking | undefined): string {
  // Loops rather than entries, filter, sort and map: a tool loop takes this of every call's
  // arguments twice (its repeated-call check and the journal's input hash).
  let json = '';
  for (let index = 0; index < array.length; index++) {
    checking?.path.push(index);
    // A hole is written as nothing, as `map` and `join` wrote it.
    const item = index in array ? write(array[index] ?? null, String(index), checking) : '';
    checking?.path.pop();
    json += index === 0 ? item : `,${item}`;
  }
  return `[${json}]`;
}

function writeObject(object: object, checking: Checking | undefined): string {
  const record = object as Record<string, unknown>;
  // The default sort compares UTF-16 code units, as `a < b` does. Keys often come sorted
  // already (`{ a, b }`): then there is nothing to sort, and sort's own copy is not made.
  const keys = Object.keys(record);
  if (!isSorted(keys)) keys.sort();
  let json = '';
  for (const key of keys) {
    const item = record[key];
    if (item === undefined) continue;
    if (typeof item === 'function' || typeof item === 'symbol') {
      checking?.onLossy([...checking.path, key], `a ${typeof item}, which JSON leaves out`);
      continue;
    }
    checking?.path.push(key);
    const field = `${JSON.stringify(key)}:${write(item, key, checking)}`;
    checking?.path.pop();
    json += json ? `,${field}` : field;
  }
  return `{${json}}`;
}

function checkPrimitive(value: unknown, { onLossy, path }: Checking): void {
  if (typeof value === 'bigint') onLossy(path, `the BigInt ${value}n, which JSON has no form for`);
  else if (typeof value === 'number' && !Number.isFinite(value)) {
    onLossy(path, `the number ${value}, which JSON writes as null`);
  } else if (typeof value === 'function' || typeof value === 'symbol') {
    onLossy(path, `a ${typeof value}, which JSON writes as null`);
  }
}

/** Reports an object JSON would write by its own enumerable keys alone, losing the rest. */
function checkPlain(object: object, { onLossy, path }: Checking): void {
  const prototype = Object.getPrototypeOf(object);
  if (prototype === null) return;
  const name = (prototype?.constructor as { name?: unknown } | undefined)?.name;
  const what = typeof name === 'string' && name !== '' ? `a ${name}` : 'an object of a class';
  const written = Object.keys(object).length === 0 ? 'as {}' : 'by its own fields alone';
  onLossy(path, `${what} with no toJSON, which JSON writes ${written}`);
}

function isSorted(keys: readonly string[]): boolean {
  for (let index = 1; index < keys.length; index++)
    if (keys[index - 1]! > keys[index]!) return false;
  return true;
}
