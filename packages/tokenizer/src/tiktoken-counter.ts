import { createTokenCounter, type TokenCounter } from '@agentchart/core/budget';
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
  const known = options.encoding ?? encodingForModel(options.model);
  const encoding = known ?? 'o200k_base';
  return createTokenCounter({
    encoding,
    exact: known !== undefined,
    countText: await loadEncoding(encoding),
  });
}
