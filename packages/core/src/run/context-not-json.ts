import { RunError } from '../errors/run-error';
import { nonJsonValue } from '../ledger/non-json-value';

/**
 * An object written as its class says (`toJSON`): an agentchart error as its code and message,
 * an XState actor as the reference XState restores it from. A Date's is not its own choice.
 */
function writesOwnJson(value: object): boolean {
  return typeof (value as { toJSON?: unknown }).toJSON === 'function' && !(value instanceof Date);
}

/**
 * Where the machine's context (or its output, `path` 'output') holds a value a checkpoint's
 * JSON would not give back as it is, as a path and a description (`context.answer.due (a
 * Date)`); undefined when none is found.
 */
export function contextValueNotJson(value: unknown, path = 'context'): string | undefined {
  try {
    return nonJsonValue(value, path, writesOwnJson);
  } catch {
    // A context that refers to itself: its checkpoint fails, saying so.
    return undefined;
  }
}

/**
 * The `agent.warning` (`context.not_json`) for a context value a checkpoint stores as JSON,
 * which gives it back as something else: the live run and a run restored from the checkpoint
 * (after a restart, an eviction while waiting, in another process) would read different values.
 */
export function contextNotJsonWarning(where: string): string {
  const part = where.startsWith('output') ? 'output' : 'context';
  return `The machine's ${part} holds a value a checkpoint keeps as JSON, which gives it back as something else, at ${where}: a run restored from its checkpoint (after a restart, an eviction while it waits, in another process), or its outcome read from the store, reads a Date as its ISO string, a Map or a Set as {}, NaN and Infinity as null, a class instance as a plain object, and finds no function. Keep plain data in the ${part} — a date as its ISO string (z.iso.datetime() without a transform to Date, converted where it is used), a Map as an object or a list of entries.`;
}

/**
 * The error a run fails with when the machine's context or output holds a `bigint`, which a
 * checkpoint cannot store at all (JSON has no such number), or refers to itself; undefined
 * for any other error of the sealing.
 */
export function contextNotJsonError(snapshot: unknown, error: unknown): RunError | undefined {
  if (!(error instanceof TypeError)) return undefined;
  const { context, output } = (snapshot ?? {}) as { context?: unknown; output?: unknown };
  if (/circular structure/.test(error.message)) {
    const where = cycleIn(context, 'context', []) ?? cycleIn(output, 'output', []) ?? 'a value';
    return new RunError('run.context_not_json', {
      message: `The machine's context or output refers to itself, at ${where} (or nests deeper than a checkpoint stores): a checkpoint holds JSON values, which cannot. Keep plain data in the context — an id where it would refer back to an object it is part of.`,
      cause: error,
      details: { at: where },
    });
  }
  if (!/BigInt/.test(error.message)) return undefined;
  const where =
    bigintIn(context, 'context', 0) ?? bigintIn(output, 'output', 0) ?? 'a value of the machine';
  return new RunError('run.context_not_json', {
    message: `The machine's context or output holds a value a checkpoint cannot store, at ${where}: a checkpoint holds JSON values, and JSON has no bigint. Keep a big number in the context as a string of digits (z.string().regex(/^-?\\d+$/) in a schema, String(value) in code), or as a number when it is below 2^53, and convert it where it is used.`,
    cause: error,
    details: { at: where },
  });
}

// Deeper than this, sealing failed on the depth first (a context that refers to itself).
const maxDepth = 2_000;

/** Where the first bigint is: `context.answer.big (the bigint 12345678901234567890)`. */
function bigintIn(value: unknown, path: string, depth: number): string | undefined {
  if (typeof value === 'bigint') return `${path} (a bigint)`;
  if (typeof value !== 'object' || value === null || depth > maxDepth || writesOwnJson(value)) {
    return undefined;
  }
  for (const [key, item] of Object.entries(value)) {
    const found = bigintIn(
      item,
      Array.isArray(value) ? `${path}[${key}]` : `${path}.${key}`,
      depth + 1,
    );
    if (found) return found;
  }
  return undefined;
}

/**
 * Where the first object that refers back to one it is part of is: `context.node.parent`.
 * `done` holds objects already walked without finding one: a value shared by many parts is
 * walked once.
 */
function cycleIn(
  value: unknown,
  path: string,
  within: object[],
  done = new WeakSet<object>(),
): string | undefined {
  if (typeof value !== 'object' || value === null || writesOwnJson(value)) return undefined;
  if (within.includes(value)) return path;
  if (done.has(value) || within.length > maxDepth) return undefined;
  within.push(value);
  for (const [key, item] of Object.entries(value)) {
    const at = Array.isArray(value) ? `${path}[${key}]` : `${path}.${key}`;
    const found = cycleIn(item, at, within, done);
    if (found) return found;
  }
  within.pop();
  done.add(value);
  return undefined;
}
