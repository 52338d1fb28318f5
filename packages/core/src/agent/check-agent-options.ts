import { checkModelPrices } from '../cost/check-pricing';
import { nearMissPriceHint } from '../cost/near-miss-price-key';
import { type PriceTable, resolvePricing } from '../cost/resolve-pricing';
import { DefinitionError } from '../errors/definition-error';
import type { ChatModel } from '../model/types';
import { maxTimerMs, validateNumberOption } from '../reliability/validate-option';
import type { RunLimits } from '../run/types';

/** The options of `createAgent` that can be wrong in ways TypeScript accepts. */
export interface CheckedAgentOptions {
  limits: RunLimits;
  leaseTtlMs: number;
  maxJournalValueBytes: number;
  models: ReadonlyMap<string, readonly ChatModel[]>;
  prices: PriceTable | undefined;
}

const owner = 'createAgent';

/**
 * Refuses, at definition time, options that make no sense (NaN, negative or infinite
 * limits) and limits that could not be enforced: `maxCostUsd` with a model whose price is
 * unknown would never trip, since its calls cost $0 as far as the run can tell.
 *
 * @throws DefinitionError `definition.invalid_option` naming the option and what to give.
 */
export function checkAgentOptions({
  limits,
  leaseTtlMs,
  maxJournalValueBytes,
  models,
  prices,
}: CheckedAgentOptions): void {
  const count = (name: string, value: number | undefined, what: string, min = 0) => {
    if (value === undefined) return;
    validateNumberOption(owner, name, value, {
      min,
      max: Number.MAX_SAFE_INTEGER,
      integer: true,
      expected: `a whole number of ${what}, ${min} or more, or leave it out for no limit`,
    });
  };
  // 0 steps ends every run at its start: not a limit anyone means.
  count('limits.maxSteps', limits.maxSteps, 'macrosteps', 1);
  count('limits.maxModelCalls', limits.maxModelCalls, 'model calls');
  count('limits.maxTokens', limits.maxTokens, 'tokens');
  if (limits.maxCostUsd !== undefined) {
    validateNumberOption(owner, 'limits.maxCostUsd', limits.maxCostUsd, {
      min: 0,
      max: Number.MAX_SAFE_INTEGER,
      expected: 'an amount of US dollars, 0 or more, or leave it out for no limit',
    });
  }
  if (limits.maxWallTimeMs !== undefined) {
    validateNumberOption(owner, 'limits.maxWallTimeMs', limits.maxWallTimeMs, {
      min: 0,
      exclusiveMin: true,
      max: maxTimerMs,
      expected: `a positive number of milliseconds up to ${maxTimerMs}, or leave it out for no limit`,
    });
  }
  const { wrapUp = {} } = limits;
  count('limits.wrapUp.maxSteps', wrapUp.maxSteps, 'macrosteps');
  if (wrapUp.maxModelCalls !== undefined) {
    validateNumberOption(owner, 'limits.wrapUp.maxModelCalls', wrapUp.maxModelCalls, {
      min: 0,
      max: Number.MAX_SAFE_INTEGER,
      integer: true,
      expected: 'a whole number of model calls, 0 or more',
    });
  }
  if (wrapUp.maxWallTimeMs !== undefined) {
    validateNumberOption(owner, 'limits.wrapUp.maxWallTimeMs', wrapUp.maxWallTimeMs, {
      min: 0,
      exclusiveMin: true,
      max: maxTimerMs,
      expected: `a positive number of milliseconds up to ${maxTimerMs}`,
    });
  }
  validateNumberOption(owner, 'leaseTtlMs', leaseTtlMs, {
    min: 3,
    max: maxTimerMs,
    expected: 'a number of milliseconds, e.g. 30000',
  });
  validateNumberOption(owner, 'maxJournalValueBytes', maxJournalValueBytes, {
    min: 1_024,
    max: Number.MAX_SAFE_INTEGER,
    integer: true,
    expected: 'a whole number of bytes, at least 1024',
  });
  checkModelPrices(owner, models, prices);
  if (limits.maxCostUsd === undefined) return;
  for (const [alias, chain] of models) {
    for (const model of chain) {
      if (resolvePricing(model, prices)) continue;
      throw new DefinitionError(
        'definition.invalid_option',
        `${owner}: limits.maxCostUsd is set, but model "${model.modelName}" (alias "${alias}") has no known price, so its calls would cost $0 as far as the limit can tell and it would never trip.${nearMissPriceHint(model.modelName, prices)} Give its price: createAgent({ prices: { '${model.modelName}': { inputPerMillion, outputPerMillion } } }) or the model's metadata.pricing (0 and 0 for a free local model).`,
      );
    }
  }
}
