import { DefinitionError } from '../errors/definition-error';
import { describeValue } from '../errors/option-names';
import { hasChildThreadShape } from '../run/child-thread-id';
import { headOf } from '../text/whole-characters';

/**
 * Refuses a thread id that is not a non-empty string: a number, `undefined` from a missing
 * field, or an empty string would otherwise start, or be looked up as, a thread no one can
 * name again, and each store would fail on it differently.
 */
export function assertThreadId(method: string, threadId: unknown): asserts threadId is string {
  if (typeof threadId === 'string' && threadId.length > 0) return;
  throw new DefinitionError(
    'definition.invalid_option',
    `${method}: a thread id is a non-empty string, got ${describeValue(threadId)}. Pass the id the thread was started with (RunHandle.threadId), or leave it out of start() to have one made.`,
  );
}

/**
 * The most bytes a new id may take in UTF-8. Longer than any id a person or a system makes
 * (past it, an id is a payload, not a name), and short enough that PostgreSQL's indexes take
 * a thread id and a tenant id together: a B-tree entry holds at most 2,704 bytes, and one
 * index of the run log keys a tenant's rows by both. Counted in bytes, not characters: 1,000
 * characters of Chinese text take 3,000.
 */
const maxIdBytes = 1_000;

/**
 * Why `text` cannot name anything a store keeps, or undefined when it can: more than
 * {@link maxIdBytes} bytes of UTF-8; a C0 control character or DEL, which no store, log or
 * terminal takes as part of a name (a NUL, which PostgreSQL refuses in text; a line break,
 * which splits every log line that names it); or a lone surrogate, which UTF-8 cannot encode
 * and the stores' drivers write as U+FFFD, so two different ids would name one thread.
 */
export function unstorableNameReason(text: string): string | undefined {
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code < 0x20 || code === 0x7f) {
      return `it holds the control character U+${code.toString(16).toUpperCase().padStart(4, '0')} at position ${index}`;
    }
    if (code >= 0xd800 && code <= 0xdfff) {
      const next = text.charCodeAt(index + 1);
      if (code > 0xdbff || !(next >= 0xdc00 && next <= 0xdfff)) {
        return `it holds a lone UTF-16 surrogate (U+${code.toString(16).toUpperCase()}) at position ${index}, which UTF-8 cannot encode`;
      }
      index++;
    }
  }
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > maxIdBytes) {
    return `it takes ${bytes} bytes in UTF-8, over the ${maxIdBytes} an id may take`;
  }
  return undefined;
}

/** The first 60 characters of an id, for a message. */
export function idPreview(text: string): string {
  return `${describeValue(headOf(text, 60))}${text.length > 60 ? '…' : ''}`;
}

/**
 * Refuses the id of a thread about to be made that no store could keep as it is (see
 * {@link unstorableNameReason}). Reads take any string: a thread stored before this check can
 * still be found.
 */
export function assertNewThreadId(method: string, threadId: unknown): asserts threadId is string {
  assertThreadId(method, threadId);
  if (hasChildThreadShape(threadId)) {
    throw new DefinitionError(
      'definition.invalid_option',
      `${method}: the thread id ${idPreview(threadId)} has the shape of a child agent's thread (\`<parent thread>/<effect>#<n>\`), which only the parent's run makes: a thread started under that id could stand in for another thread's child. Use an id that does not end in \`/…#<number>\`, or leave it out of start() to have one made.`,
    );
  }
  const why = unstorableNameReason(threadId);
  if (why === undefined) return;
  throw new DefinitionError(
    'definition.invalid_option',
    `${method}: the thread id ${idPreview(threadId)} cannot name a thread: ${why}. Use letters, digits and punctuation (an order number, a ticket id, a UUID), or leave it out of start() to have one made.`,
  );
}
