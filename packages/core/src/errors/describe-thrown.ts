/**
 * What `read` returns, or `undefined` when it throws. Anything user code threw may be a
 * Proxy whose every trap throws, a revoked Proxy, or an object whose getters throw; each
 * look at it is made through here so that describing it never fails.
 */
export function readSafely<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}

/**
 * A readable line for anything thrown or rejected with, which never throws itself.
 *
 * An error gives its message; a string itself; a symbol its description; a plain object with
 * a `message` (what some HTTP clients throw, or an error body thrown as it was parsed) that
 * message; anything else its `String()` form. A value none of these can be read from (a
 * null-prototype object, a Proxy that throws, an error whose `message` getter throws) is named
 * by its kind instead, so a report of it — a `listener.error`, a failed run — is never lost to
 * a second error.
 */
export function describeThrown(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'symbol') return readSafely(() => value.toString()) ?? 'a symbol';
  const isError = readSafely(() => value instanceof Error) === true;
  if (isError) {
    const message = readSafely(() => (value as Error).message);
    if (typeof message === 'string') return message;
  }
  const text = readSafely(() => String(value));
  // `{ status: 529, message: 'Overloaded' }` read "[object Object]", which says nothing.
  if (text === '[object Object]') {
    const message = readSafely(() => (value as { message?: unknown }).message);
    if (typeof message === 'string' && message !== '') return message;
    const fields = readSafely(() => describeFields(value as object));
    if (fields !== undefined) return fields;
  }
  if (typeof text === 'string') return text;
  if (!isError) return 'a value that cannot be printed';
  const name = readSafely(() => (value as Error).name);
  return `an error${typeof name === 'string' && name !== '' ? ` (${name})` : ''} whose message cannot be read`;
}

/** Most fields {@link describeFields} names. */
const maxFieldsNamed = 8;

/**
 * A plain object thrown without a message (`{ status: 503 }`), by its fields: numbers and
 * booleans with their values, which say what failed (a status, a flag), the others by name
 * only, since a string or an object may quote what was sent. Undefined for an object with no
 * fields of its own.
 */
function describeFields(value: object): string | undefined {
  const names = Object.keys(value);
  if (names.length === 0) return undefined;
  const shown = names.slice(0, maxFieldsNamed).map((name) => {
    const field = (value as Record<string, unknown>)[name];
    return typeof field === 'number' || typeof field === 'boolean' ? `${name}: ${field}` : name;
  });
  const more = names.length > maxFieldsNamed ? `, and ${names.length - maxFieldsNamed} more` : '';
  return `an object that is not an Error, with no message: { ${shown.join(', ')}${more} }`;
}
