import { closestName } from '../errors/option-names';
import { type PriceTable, snapshotSuffix } from './resolve-pricing';

/**
 * A key of `prices` that looks meant for `modelName` but does not price it: keys are matched
 * by the model's exact name, or its name without a dated snapshot suffix, so `qwen` does not
 * price `qwen2.5`, nor `GPT-4o-mini` `gpt-4o-mini`, nor `openai/gpt-4o` `gpt-4o`. Said when
 * the model is left without a price: its calls would count $0, silently.
 */
export function nearMissPriceKey(
  modelName: string,
  prices: PriceTable | undefined,
): string | undefined {
  if (prices === undefined) return undefined;
  const name = modelName.toLowerCase();
  const family = modelName.replace(snapshotSuffix, '').toLowerCase();
  const keys = Object.keys(prices).filter((key) => key !== modelName);
  const related = keys.find((key) => {
    const lower = key.toLowerCase();
    return (
      lower === name ||
      lower === family ||
      // A family name for a versioned model, or the other way round (`qwen` for `qwen2.5`).
      (lower.length >= 3 && (name.startsWith(lower) || lower.startsWith(family))) ||
      // A provider's prefix on one side only (`openai/gpt-4o` for `gpt-4o`).
      name.endsWith(`/${lower}`) ||
      lower.endsWith(`/${family}`)
    );
  });
  return related ?? closestName(modelName, keys);
}

/** The hint added where a model has no price although `prices` has a key meant for it. */
export function nearMissPriceHint(modelName: string, prices: PriceTable | undefined): string {
  const key = nearMissPriceKey(modelName, prices);
  if (key === undefined) return '';
  return ` prices['${key}'] does not price it: price keys are matched by the model's exact name ("${modelName}"), or that name without a dated snapshot suffix; did you mean prices['${modelName}']?`;
}
