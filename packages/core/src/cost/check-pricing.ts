import { DefinitionError } from '../errors/definition-error';
import { checkOptionNames, describeValue } from '../errors/option-names';
import type { ChatModel, ModelPricing } from '../model/types';
import { validateNumberOption } from '../reliability/validate-option';
import type { PriceTable } from './resolve-pricing';

const pricingNames: readonly (keyof ModelPricing)[] = [
  'inputPerMillion',
  'outputPerMillion',
  'cachedInputPerMillion',
];

/**
 * Checks one price: a misspelt field would price those tokens at nothing, and NaN or a
 * negative price makes every cost NaN or below zero — a cost limit that never trips.
 *
 * @throws DefinitionError `definition.invalid_option` naming the field and what to give.
 */
export function checkPricing(owner: string, where: string, pricing: unknown): void {
  checkOptionNames(owner, pricing as object, pricingNames, `${where}.`);
  const given = pricing as Partial<ModelPricing>;
  for (const name of pricingNames) {
    const value = given[name];
    if (value === undefined && name === 'cachedInputPerMillion') continue;
    validateNumberOption(owner, `${where}.${name}`, value as number, {
      min: 0,
      max: Number.MAX_SAFE_INTEGER,
      expected: 'US dollars per million tokens, 0 or more (0 for a free local model)',
    });
  }
}

/**
 * Checks the prices given to an agent and what its models' metadata says of their window,
 * output and price: a window of NaN or below 1 makes every request's plan meaningless, and a
 * bad price a cost limit that never trips.
 *
 * @throws DefinitionError `definition.invalid_option`.
 */
export function checkModelPrices(
  owner: string,
  models: ReadonlyMap<string, readonly ChatModel[]>,
  prices: PriceTable | undefined,
): void {
  if (prices !== undefined) {
    if (typeof prices !== 'object' || prices === null) {
      throw new DefinitionError(
        'definition.invalid_option',
        `${owner}: prices is ${describeValue(prices)}. Give prices by model name: { 'gpt-4o-mini': { inputPerMillion: 0.15, outputPerMillion: 0.6 } }.`,
      );
    }
    for (const [name, pricing] of Object.entries(prices)) {
      checkPricing(owner, `prices['${name}']`, pricing);
    }
  }
  for (const [alias, chain] of models) {
    for (const model of chain) {
      const { metadata } = model;
      if (metadata === undefined) continue;
      const where = `the metadata of model "${model.modelName}" (alias "${alias}")`;
      for (const name of ['contextWindow', 'maxOutputTokens'] as const) {
        const value = metadata[name];
        // A window left out is assumed and warned of when the model is first called.
        if (value === undefined) continue;
        validateNumberOption(owner, `${where}: ${name}`, value, {
          min: 1,
          max: Number.MAX_SAFE_INTEGER,
          integer: true,
          expected: 'a whole number of tokens, 1 or more',
        });
      }
      if (metadata.pricing !== undefined)
        checkPricing(owner, `${where}: pricing`, metadata.pricing);
    }
  }
}
