import type { ChatModel, ModelPricing } from '../model/types';

/** Prices by model name, overriding what the models' metadata says. */
export type PriceTable = Readonly<Record<string, ModelPricing>>;

export const snapshotSuffix = /-\d{4}-\d{2}-\d{2}$/;

/**
 * The price of a model's tokens: an override by exact name, else by the name without a dated
 * snapshot suffix (`gpt-4o-mini-2024-07-18` → `gpt-4o-mini`), else the model's metadata.
 * Negotiated or changed prices belong in the overrides.
 */
export function resolvePricing(
  model: Pick<ChatModel, 'modelName' | 'metadata'>,
  overrides?: PriceTable,
): ModelPricing | undefined {
  // Every model call prices its model, most with no overrides: no name to rewrite then.
  if (!overrides) return model.metadata?.pricing;
  return (
    overrides[model.modelName] ??
    overrides[model.modelName.replace(snapshotSuffix, '')] ??
    model.metadata?.pricing
  );
}
