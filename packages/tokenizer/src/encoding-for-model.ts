/** The OpenAI encodings this package counts with. */
export type TiktokenEncoding = 'o200k_base' | 'cl100k_base';

const o200kModels =
  /^(gpt-4o|chatgpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|o1|o3|o4|gpt-oss|codex-mini|computer-use)/;
const cl100kModels = /^(gpt-4|gpt-3\.5|text-embedding-3|text-embedding-ada-002)/;

/** A fine-tuned model's name: `ft:` and its base model's, then the organisation's suffix. */
const fineTuned = /^ft:([^:]+)/;

/**
 * The encoding an OpenAI model uses, by name (a provider prefix such as `openai/` is
 * ignored, and a fine-tuned model, `ft:gpt-4o-mini-2024-07-18:org::id`, uses its base
 * model's): `o200k_base` for GPT-4o, GPT-4.1, GPT-5 and the o-series, `cl100k_base` for
 * GPT-4 and GPT-3.5. Undefined for a model it does not know — other families (Llama,
 * Mistral, Qwen …) have tokenizers of their own.
 */
export function encodingForModel(model: string): TiktokenEncoding | undefined {
  const unprefixed = model.slice(model.lastIndexOf('/') + 1).toLowerCase();
  const name = fineTuned.exec(unprefixed)?.[1] ?? unprefixed;
  if (o200kModels.test(name)) return 'o200k_base';
  if (cl100kModels.test(name)) return 'cl100k_base';
  return undefined;
}
