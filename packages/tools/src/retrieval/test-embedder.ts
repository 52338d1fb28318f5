import type { Embedder } from './types';

/** Words that mean the same thing share one dimension of the test embedder. */
const concepts: readonly (readonly string[])[] = [
  ['car', 'cars', 'automobile', 'vehicle', 'sedan'],
  ['cat', 'cats', 'kitten', 'feline'],
  ['money', 'payment', 'invoice', 'refund', 'billing'],
  ['holiday', 'vacation', 'leave', 'pto'],
  ['password', 'login', 'credentials', 'sign'],
];

/**
 * A deterministic embedder for tests: each concept above is one dimension, every other word
 * is hashed into eight more. Synonyms land together, so vector search finds what keyword
 * search cannot; the same text always gives the same vector. `calls` records each batch.
 */
export function createTestEmbedder(): Embedder & { calls: string[][] } {
  const calls: string[][] = [];
  return {
    calls,
    embed: async (texts) => {
      calls.push([...texts]);
      return texts.map((text) => {
        const vector = new Array<number>(concepts.length + 8).fill(0);
        for (const word of text.toLowerCase().match(/[a-z]+/g) ?? []) {
          const concept = concepts.findIndex((words) => words.includes(word));
          if (concept >= 0) vector[concept]! += 1;
          else vector[concepts.length + (hash(word) % 8)]! += 0.1;
        }
        return vector;
      });
    },
  };
}

function hash(word: string): number {
  let value = 0;
  for (const char of word) value = (value * 31 + char.charCodeAt(0)) >>> 0;
  return value;
}
