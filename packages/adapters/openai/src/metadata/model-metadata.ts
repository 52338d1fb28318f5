import { DefinitionError, type ModelMetadata } from '@agentchart/core';
import { definedOptions } from '@agentchart/core/internal';

const m = (
  contextWindow: number,
  maxOutputTokens: number,
  inputPerMillion: number,
  outputPerMillion: number,
  cachedInputPerMillion: number,
  supportsJsonSchema = true,
): ModelMetadata => ({
  contextWindow,
  maxOutputTokens,
  pricing: { inputPerMillion, outputPerMillion, cachedInputPerMillion },
  supportsJsonSchema,
});

/**
 * Context windows, output limits and standard-tier prices (US dollars per million tokens:
 * input, output, cached input) of common OpenAI models. Source: OpenAI's model and pricing
 * pages as of August 2025 (o3 after its June 2025 price cut). Prices change: override them
 * with the `metadata` option rather than trusting this table for billing.
 */
export const openAIModelMetadata: Readonly<Record<string, ModelMetadata>> = {
  'gpt-4o': m(128_000, 16_384, 2.5, 10, 1.25),
  // The first gpt-4o snapshot: dearer, shorter output, and no json_schema response format.
  'gpt-4o-2024-05-13': m(128_000, 4_096, 5, 15, 5, false),
  'gpt-4o-mini': m(128_000, 16_384, 0.15, 0.6, 0.075),
  'gpt-4.1': m(1_047_576, 32_768, 2, 8, 0.5),
  'gpt-4.1-mini': m(1_047_576, 32_768, 0.4, 1.6, 0.1),
  'gpt-4.1-nano': m(1_047_576, 32_768, 0.1, 0.4, 0.025),
  o3: m(200_000, 100_000, 2, 8, 0.5),
  'o3-mini': m(200_000, 100_000, 1.1, 4.4, 0.55),
  'o4-mini': m(200_000, 100_000, 1.1, 4.4, 0.275),
  'gpt-5': m(400_000, 128_000, 1.25, 10, 0.125),
  'gpt-5-mini': m(400_000, 128_000, 0.25, 2, 0.025),
  'gpt-5-nano': m(400_000, 128_000, 0.05, 0.4, 0.005),
};

const snapshotSuffix = /-\d{4}-\d{2}-\d{2}$/;

/**
 * What is known about a model by name: an exact entry, else the entry of the model a dated
 * snapshot (`gpt-4.1-2025-04-14`) belongs to. `undefined` for a model not in the table;
 * it still works, only budgets and costs need its metadata.
 */
export function lookupModelMetadata(model: string): ModelMetadata | undefined {
  return openAIModelMetadata[model] ?? openAIModelMetadata[model.replace(snapshotSuffix, '')];
}

/**
 * A model's metadata: the known entry with the caller's overrides on top. An unknown model
 * without overrides has none; one with overrides must give at least `contextWindow`.
 */
export function resolveModelMetadata(
  model: string,
  overrides: { [Field in keyof ModelMetadata]?: ModelMetadata[Field] | undefined } | undefined,
): ModelMetadata | undefined {
  const known = lookupModelMetadata(model);
  if (!overrides) return known;
  // A field given as `undefined` keeps the known entry's, as one left out does.
  const merged = { ...known, ...definedOptions(overrides) };
  if (merged.contextWindow === undefined) {
    throw new DefinitionError(
      'definition.invalid_option',
      `Model metadata for "${model}" has no contextWindow: the model is not in the built-in table, so option metadata must give at least contextWindow (total tokens, input and output together).`,
    );
  }
  return merged as ModelMetadata;
}
