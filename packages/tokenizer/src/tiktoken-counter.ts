import { DefinitionError, type TokenCounter } from '@agentchart/core';
import { createTokenCounter } from '@agentchart/core/budget';
import { checkOptionNames, describeValue } from '@agentchart/core/internal';
import { encodingForModel, type TiktokenEncoding } from './encoding-for-model';
import { loadEncoding } from './load-encoding';

/** Options of {@link tiktokenCounter}: a model name, or an encoding. */
export type TiktokenCounterOptions =
  | { model: string; encoding?: undefined }
  | { encoding: TiktokenEncoding; model?: undefined };

/**
 * An exact {@link TokenCounter} for OpenAI models, counting with the model's encoding
 * (gpt-tokenizer, a pure-JavaScript port of tiktoken) in OpenAI's chat framing. For a model
 * it does not know it counts with `o200k_base` and says so: `exact` is false, since other
 * model families tokenize differently.
 *
 * @example
 * ```ts
 * import { tiktokenCounter } from '@agentchart/tokenizer';
 * const counter = await tiktokenCounter({ model: 'gpt-4o-mini' });
 * counter.countRequest({ messages: [{ role: 'user', content: 'Hello' }] }); // 8
 * ```
 */
export async function tiktokenCounter(options: TiktokenCounterOptions): Promise<TokenCounter> {
  checkCounterOptions(options);
  const known = options.encoding ?? encodingForModel(options.model);
  const encoding = known ?? 'o200k_base';
  return createTokenCounter({
    encoding,
    exact: known !== undefined,
    countText: await loadEncoding(encoding),
  });
}

const encodings: readonly TiktokenEncoding[] = ['o200k_base', 'cl100k_base'];

/**
 * Refuses options that would count with the wrong encoding while saying the counts are exact
 * (an encoding it does not have), or fail later as a TypeError (no model, a misspelt name).
 */
function checkCounterOptions(options: unknown): void {
  const fail = (message: string): never => {
    throw new DefinitionError('definition.invalid_option', `tiktokenCounter: ${message}`);
  };
  if (typeof options !== 'object' || options === null) {
    fail(
      `give the model, such as tiktokenCounter({ model: 'gpt-4o-mini' }), or an encoding, such as { encoding: 'o200k_base' }; got ${describeValue(options)}.`,
    );
  }
  checkOptionNames('tiktokenCounter', options as object, ['model', 'encoding']);
  const { model, encoding } = options as { model?: unknown; encoding?: unknown };
  if ((model === undefined) === (encoding === undefined)) {
    fail(
      `give either model (such as 'gpt-4o-mini') or encoding (${encodings.join(' or ')}), not ${model === undefined ? 'neither' : 'both'}.`,
    );
  }
  if (model !== undefined && (typeof model !== 'string' || model.trim() === '')) {
    fail(`model must be the model's name, such as 'gpt-4o-mini', got ${describeValue(model)}.`);
  }
  if (encoding !== undefined && !encodings.includes(encoding as TiktokenEncoding)) {
    fail(
      `encoding is ${describeValue(encoding)}, which it cannot count with. The encodings are ${encodings.join(' and ')}; for another model family give a counter of its own tokenizer.`,
    );
  }
}
