import type { ChatMessage } from '../model/types';

/**
 * True when `messages` begins with the very message objects of `prefix`, in order: a
 * conversation's next call sends the same objects again and a few more, so what a step
 * remembers of the last call holds for that prefix.
 */
export function startsWithMessages(
  messages: readonly ChatMessage[],
  prefix: readonly ChatMessage[],
): boolean {
  if (prefix.length > messages.length) return false;
  for (let index = 0; index < prefix.length; index++) {
    if (messages[index] !== prefix[index]) return false;
  }
  return true;
}
