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
