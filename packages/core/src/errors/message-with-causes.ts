import { readSafely } from './describe-thrown';

/** How many causes down a chain {@link messageWithCauses} reads. */
const maxCauses = 3;

/**
 * `error`'s message, followed by what its causes say: `fetch failed, caused by: connect
 * ECONNREFUSED 127.0.0.1:8080`. Node's `fetch` throws "fetch failed" for every network
 * failure and says which one (a refused connection, a reset, a name not found) only in its
 * `cause`, which no record keeps: a tool failure reported by its message alone told the model,
 * the journal and the run log nothing they could act on. An error with no message says what
 * it holds instead (an `AggregateError`'s errors, its `code`, its class). Never throws: what
 * cannot be read is left out.
 */
export function messageWithCauses(error: unknown, message: string): string {
  let text = message === '' ? (emptyMessageOf(error) ?? '') : message;
  const seen = new Set<unknown>([error]);
  let current = error;
  for (let depth = 0; depth < maxCauses; depth++) {
    const cause = readSafely(() => (current as { cause?: unknown }).cause);
    if (cause === undefined || cause === null || seen.has(cause)) break;
    seen.add(cause);
    const said = textOf(cause);
    // A cause the message already quotes (`new Error(\`upstream: ${cause.message}\`, { cause })`)
    // adds nothing.
    if (said !== undefined && said !== '' && !text.includes(said)) {
      text = text === '' ? said : `${text}, caused by: ${said}`;
    }
    current = cause;
  }
  return text;
}

/** What a cause says: a string, or an error's message (or, with none, what it holds). */
function textOf(cause: unknown): string | undefined {
  if (typeof cause === 'string') return cause;
  if (readSafely(() => cause instanceof Error) !== true) return undefined;
  const message = readSafely(() => (cause as Error).message);
  if (typeof message === 'string' && message !== '') return message;
  return emptyMessageOf(cause);
}

/**
 * What an error without a message can still say: Node's `AggregateError` for a connection
 * tried on every address of a name (`localhost` as `::1` and `127.0.0.1`) has an empty
 * message, its errors and code saying the rest.
 */
function emptyMessageOf(error: unknown): string | undefined {
  const errors = readSafely(() => (error as { errors?: unknown }).errors);
  if (Array.isArray(errors)) {
    const messages = errors
      .slice(0, maxCauses)
      .map(textOf)
      .filter((said): said is string => said !== undefined && said !== '');
    if (messages.length > 0) return messages.join('; ');
  }
  const code = readSafely(() => (error as { code?: unknown }).code);
  if (typeof code === 'string' && code !== '') return code;
  const name = readSafely(() => (error as { name?: unknown }).name);
  return typeof name === 'string' && name !== '' ? `${name} with no message` : undefined;
}
