import { createTokenCounter } from '../create-token-counter';

/**
 * A test counter where a token is a whitespace-separated word, framed like OpenAI's chat
 * format (a message is 3 + 1 for its role + its words): sizes in tests are easy to reason about.
 */
export const wordCounter = createTokenCounter({
  encoding: 'words',
  exact: true,
  countText: (text) => text.split(/\s+/).filter(Boolean).length,
});

/** `count` distinct words. */
export function words(count: number, prefix = 'w'): string {
  return Array.from({ length: count }, (_, index) => `${prefix}${index}`).join(' ');
}
