import { describeThrown, readSafely } from './describe-thrown';

const marker = Symbol.for('agentchart.error');

/** The class names from `type` up to AgentchartError: what `isInstance` checks against. */
function lineageOf(type: Function): string[] {
  const names: string[] = [];
  for (let current = type; current && current !== Error; current = Object.getPrototypeOf(current)) {
    names.push(current.name);
  }
  return names;
}

/** Options every {@link AgentchartError} accepts. */
export interface AgentchartErrorOptions {
  /** What happened, what input caused it, and what to do about it. */
  message: string;
  /** The underlying error, kept as it is. */
  cause?: unknown | undefined;
}

/**
 * The base of every error agentchart raises. `code` is a stable string literal to switch on;
 * `isInstance` works across duplicate package copies, where `instanceof` does not.
 */
export class AgentchartError<TCode extends string = string> extends Error {
  /** The class names of this error's lineage, so `isInstance` works across package copies. */
  readonly [marker]: readonly string[];
  readonly code: TCode;

  constructor(code: TCode, { message, cause }: AgentchartErrorOptions) {
    super(message, cause === undefined ? undefined : { cause });
    this.code = code;
    this.name = new.target.name;
    this[marker] = lineageOf(new.target);
  }

  /**
   * True when `error` is an instance of the class this is called on (`RunError.isInstance`
   * is true only for run errors), whichever copy of the package created it.
   */
  static isInstance<T>(this: abstract new (...args: any[]) => T, error: unknown): error is T {
    if (typeof error !== 'object' || error === null || !(marker in error)) return false;
    const lineage = (error as { [marker]: unknown })[marker];
    // `this` is the class isInstance was called on: RunError.isInstance checks for RunError.
    // biome-ignore lint/complexity/noThisInStatic: the subclass identity is the point here.
    return Array.isArray(lineage) && lineage.includes(this.name);
  }

  /** A plain object for logs, events and checkpoints (errors do not survive JSON as is). */
  toJSON(): SerializedError {
    return { name: this.name, code: this.code, message: this.message };
  }
}

/** An error as stored in a checkpoint, a journal entry or an event. */
export interface SerializedError {
  name: string;
  code: string;
  message: string;
  [key: string]: unknown;
}

/**
 * Turns anything thrown into a {@link SerializedError}, and never throws itself: a value that
 * cannot be read (a null-prototype object, a Proxy that throws, a `message` getter that
 * throws) is described by its kind, since the caller is usually reporting a failure already.
 */
export function serializeError(error: unknown): SerializedError {
  const serialized = readSafely(() =>
    AgentchartError.isInstance(error) ? error.toJSON() : undefined,
  );
  if (serialized) return serialized;
  const name = readSafely(() => (error instanceof Error ? error.name : undefined));
  return {
    name: typeof name === 'string' ? name : 'Error',
    code: 'unknown',
    message: describeThrown(error),
  };
}
