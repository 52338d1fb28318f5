import { describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { createAgent } from '../agent/create-agent';
import { DefinitionError } from '../errors/definition-error';
import { scriptedModel } from '../testing/scripted-model';

const machine = setup({}).createMachine({
  id: 'idle',
  initial: 'done',
  states: { done: { type: 'final' } },
});

function agentWith(options: { prices?: unknown; metadata?: unknown; maxCostUsd?: number }) {
  const model = { ...scriptedModel({ responses: [] }), metadata: options.metadata as never };
  return () =>
    createAgent({
      machine,
      models: { fast: model },
      ...(options.prices === undefined ? {} : { prices: options.prices as never }),
      ...(options.maxCostUsd === undefined ? {} : { limits: { maxCostUsd: options.maxCostUsd } }),
    });
}

describe('prices and model metadata given to createAgent', () => {
  it('refuses a price that would make every cost NaN, negative or $0, before any run', () => {
    // Each was taken: with maxCostUsd set the model counted as priced, and the limit never
    // tripped (a NaN or negative cost), or a misspelt field priced its tokens at nothing.
    const refused: [unknown, RegExp][] = [
      [
        { scripted: { inputPerMillion: Number.NaN, outputPerMillion: 1 } },
        /prices\['scripted'\]\.inputPerMillion is NaN/,
      ],
      [
        { scripted: { inputPerMillion: 1, outputPerMillion: -1 } },
        /prices\['scripted'\]\.outputPerMillion is -1/,
      ],
      [
        { scripted: { inputPerMillion: '5', outputPerMillion: 1 } },
        /inputPerMillion is the string "5"/,
      ],
      [
        { scripted: { inputPerMilion: 1, outputPerMillion: 1 } },
        /inputPerMilion is not an option; did you mean prices\['scripted'\]\.inputPerMillion/,
      ],
      [42, /prices is the number 42/],
    ];
    for (const [prices, message] of refused) {
      const made = agentWith({ prices, maxCostUsd: 1 });
      expect(made).toThrow(DefinitionError);
      expect(made).toThrow(message);
    }
    expect(
      agentWith({
        prices: { scripted: { inputPerMillion: 0, outputPerMillion: 0 } },
        maxCostUsd: 1,
      }),
    ).not.toThrow();
  });

  it('refuses a model whose metadata gives a window, an output cap or a price that makes no sense', () => {
    const refused: [unknown, RegExp][] = [
      [{ contextWindow: -1 }, /model "scripted" \(alias "fast"\): contextWindow is -1/],
      [{ contextWindow: Number.NaN }, /contextWindow is NaN/],
      [{ contextWindow: 8_000, maxOutputTokens: 0 }, /maxOutputTokens is 0/],
      [
        { contextWindow: 8_000, pricing: { inputPerMillion: -2, outputPerMillion: 1 } },
        /pricing\.inputPerMillion is -2/,
      ],
    ];
    for (const [metadata, message] of refused) {
      const made = agentWith({ metadata });
      expect(made).toThrow(DefinitionError);
      expect(made).toThrow(message);
    }
    expect(agentWith({ metadata: { contextWindow: 8_000, maxOutputTokens: 1_000 } })).not.toThrow();
  });
});
