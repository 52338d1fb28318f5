import { hash } from 'node:crypto';
import type { ChatMessage, ChatRequest } from '../model/types';

/** Each message's hash, computed once: a tool loop sends the same message objects again and again. */
const messageHashes = new WeakMap<ChatMessage, string>();

/**
 * A short hash of what is sent: per-message hashes (memoised) chained with the rest of the
 * request, so a growing conversation costs O(new messages) per call, not O(history). One-shot
 * `hash()` calls, not `createHash` objects: the same digests at about half the cost.
 */
export function hashRequest({ messages, ...rest }: ChatRequest): string {
  // sha256 over the rest's JSON followed by each message's hash, as one text.
  let chained = JSON.stringify(rest);
  for (const message of messages) {
    let messageHash = messageHashes.get(message);
    if (messageHash === undefined) {
      messageHash = hash('sha256', JSON.stringify(message), 'base64');
      messageHashes.set(message, messageHash);
    }
    chained += messageHash;
  }
  return hash('sha256', chained, 'hex').slice(0, 16);
}
