import type { TiktokenEncoding } from './encoding-for-model';

/** Counts the tokens of a text in one encoding. */
export type TextTokenCounter = (text: string) => number;

// Text is counted as the API counts user content: `<|endoftext|>` and the like are plain text.
const asPlainText = { disallowedSpecial: new Set<string>() };
const loaded = new Map<TiktokenEncoding, Promise<TextTokenCounter>>();

/**
 * Loads an encoding's ranks (once per process; each takes ~0.2 s and tens of MB) and returns
 * its text counter. Only the encodings asked for are loaded.
 */
export function loadEncoding(encoding: TiktokenEncoding): Promise<TextTokenCounter> {
  let counter = loaded.get(encoding);
  if (!counter) {
    counter = importEncoding(encoding).then(
      (module): TextTokenCounter =>
        (text) =>
          module.countTokens(text, asPlainText),
    );
    loaded.set(encoding, counter);
  }
  return counter;
}

type EncodingModule = { countTokens(text: string, options: typeof asPlainText): number };

function importEncoding(encoding: TiktokenEncoding): Promise<EncodingModule> {
  // Literal specifiers, so bundlers see both entry points.
  return encoding === 'o200k_base'
    ? import('gpt-tokenizer/encoding/o200k_base')
    : import('gpt-tokenizer/encoding/cl100k_base');
}
