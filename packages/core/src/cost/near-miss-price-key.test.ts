import { describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { z } from 'zod';
import { createAgent } from '../agent/create-agent';
import { structuredCall } from '../effects/structured-call';
import { scriptedModel } from '../testing/scripted-model';
import { nearMissPriceKey } from './near-miss-price-key';

const price = { inputPerMillion: 1, outputPerMillion: 2 };

describe('a price key meant for a model it does not price', () => {
  it('is found for a family name, another case, a provider prefix or a typo, and nothing unrelated', () => {
    expect(nearMissPriceKey('qwen2.5', { qwen: price })).toBe('qwen');
    expect(nearMissPriceKey('qwen2.5:7b', { 'qwen2.5': price })).toBe('qwen2.5');
    expect(nearMissPriceKey('gpt-4o-mini', { 'GPT-4o-mini': price })).toBe('GPT-4o-mini');
    expect(nearMissPriceKey('gpt-4o', { 'openai/gpt-4o': price })).toBe('openai/gpt-4o');
    expect(nearMissPriceKey('gpt-4o-mini', { 'gpt-4o-mnii': price })).toBe('gpt-4o-mnii');
    expect(nearMissPriceKey('llama3', { claude: price, 'gpt-4o': price })).toBeUndefined();
    expect(nearMissPriceKey('qwen2.5', undefined)).toBeUndefined();
  });

  it('is named, with the model name, where maxCostUsd refuses a model without a price', () => {
    // Before: "has no known price" and the model's name, as if no price had been given.
    const model = scriptedModel({ modelName: 'qwen2.5', metadata: null, responses: [] });
    const machine = setup({}).createMachine({ id: 'idle' });
    expect(() =>
      createAgent({
        machine,
        models: { fast: model },
        prices: { qwen: price },
        limits: { maxCostUsd: 1 },
      }),
    ).toThrow(/prices\['qwen'\] does not price it[\s\S]*did you mean prices\['qwen2\.5'\]\?/);
  });

  it("is named in the warning that the model's calls count $0", async () => {
    const model = scriptedModel({
      modelName: 'qwen2.5',
      metadata: { contextWindow: 32_000 },
      handler: () => ({ json: { ok: true } }),
    });
    const machine = setup({
      actors: {
        ask: structuredCall({
          model: 'fast',
          schema: z.object({ ok: z.boolean() }),
          prompt: () => 'ok?',
        }),
      },
    }).createMachine({
      id: 'asking',
      initial: 'asking',
      states: { asking: { invoke: { src: 'ask', onDone: 'done' } }, done: { type: 'final' } },
    });
    const agent = createAgent({ machine, models: { fast: model }, prices: { qwen: price } });
    const warnings: string[] = [];
    agent.events.on('agent.warning', (event) => warnings.push(`${event.code}: ${event.message}`));
    expect((await agent.run({ input: undefined })).status).toBe('done');
    await agent.close();
    expect(warnings).toEqual([
      expect.stringMatching(
        /^model\.unknown_price: Model "qwen2\.5" .* prices\['qwen'\] does not price it[\s\S]*did you mean prices\['qwen2\.5'\]\?/,
      ),
    ]);
  });
});
