import { DefinitionError } from '../errors/definition-error';
import { describeValue } from '../errors/option-names';

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

/** Longer than any id a person or a system makes; past it, an id is a payload, not a name. */
const maxThreadIdLength = 1_000;

/**
 * Where `text` holds its first C0 control character or DEL, which no store, log or terminal
 * takes as part of a name; -1 when it holds none.
 */
function controlCharacterAt(text: string): number {
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code < 0x20 || code === 0x7f) return index;
  }
  return -1;
}

/**
 * Refuses the id of a thread about to be made that no store could keep as it is: over 1,000
 * characters, or with a control character (a NUL, which PostgreSQL refuses in text, a line
 * break, which splits every log line that names the thread). Reads take any string: a thread
 * stored before this check can still be found.
 */
export function assertNewThreadId(method: string, threadId: unknown): asserts threadId is string {
  assertThreadId(method, threadId);
  const control = controlCharacterAt(threadId);
  if (threadId.length <= maxThreadIdLength && control === -1) return;
  const why =
    control !== -1
      ? `it holds the control character U+${threadId.charCodeAt(control).toString(16).toUpperCase().padStart(4, '0')} at position ${control}`
      : `it is ${threadId.length} characters long, over the ${maxThreadIdLength} a thread id may have`;
  throw new DefinitionError(
    'definition.invalid_option',
    `${method}: the thread id ${describeValue(threadId.slice(0, 60))}${threadId.length > 60 ? '…' : ''} cannot name a thread: ${why}. Use letters, digits and punctuation (an order number, a ticket id, a UUID), or leave it out of start() to have one made.`,
  );
}
