import { estimateTokenCounter } from '@agentchart/core/budget';
import { describe, expect, it } from 'vitest';
import { encodingForModel } from './encoding-for-model';
import { tiktokenCounter } from './tiktoken-counter';

describe('encodingForModel', () => {
  it('knows the encoding of OpenAI model families, dated snapshots and prefixed names included', () => {
    expect(encodingForModel('gpt-4o-mini-2024-07-18')).toBe('o200k_base');
    expect(encodingForModel('gpt-4.1-nano')).toBe('o200k_base');
    expect(encodingForModel('openai/gpt-5-mini')).toBe('o200k_base');
    expect(encodingForModel('o3')).toBe('o200k_base');
    expect(encodingForModel('gpt-4-turbo')).toBe('cl100k_base');
    expect(encodingForModel('gpt-3.5-turbo')).toBe('cl100k_base');
    expect(encodingForModel('llama3.1:8b')).toBeUndefined();
  });
});

describe('tiktokenCounter', () => {
  it("counts exactly with the model's encoding", async () => {
    const counter = await tiktokenCounter({ model: 'gpt-4o-mini' });
    expect(counter).toMatchObject({ encoding: 'o200k_base', exact: true });
    // "2 + 2 = 4" is 7 tokens in o200k_base (OpenAI cookbook).
    expect(counter.countText('2 + 2 = 4')).toBe(7);
    // One user message: 3 framing + 1 role + 1 content + 3 reply priming.
    expect(counter.countRequest({ messages: [{ role: 'user', content: 'Hello' }] })).toBe(8);
  });

  it('refuses an encoding it does not have instead of counting with another and calling it exact (issue 9)', async () => {
    await expect(tiktokenCounter({ encoding: 'p50k_base' as never })).rejects.toThrow(
      expect.objectContaining({
        code: 'definition.invalid_option',
        message: expect.stringMatching(/encoding is the string "p50k_base"/),
      }),
    );
  });

  it('refuses no options, both, neither or a misspelt one with a typed error (issue 9)', async () => {
    for (const options of [
      undefined,
      {},
      { model: 'gpt-4o', encoding: 'o200k_base' },
      { modle: 'gpt-4o' },
      { model: '' },
    ]) {
      await expect(tiktokenCounter(options as never), JSON.stringify(options)).rejects.toThrow(
        expect.objectContaining({ code: 'definition.invalid_option' }),
      );
    }
  });

  it('tells encodings apart: Japanese takes 8 tokens in o200k_base and 9 in cl100k_base', async () => {
    const text = 'お誕生日おめでとう';
    expect((await tiktokenCounter({ encoding: 'o200k_base' })).countText(text)).toBe(8);
    expect((await tiktokenCounter({ encoding: 'cl100k_base' })).countText(text)).toBe(9);
  });

  it('counts special-token text as plain text instead of throwing', async () => {
    const counter = await tiktokenCounter({ model: 'gpt-4o' });
    expect(counter.countText('hi <|endoftext|> there')).toBeGreaterThan(3);
  });

  it('falls back to o200k_base for a model of another family and says it is not exact', async () => {
    expect(await tiktokenCounter({ model: 'llama3.1:8b' })).toMatchObject({
      encoding: 'o200k_base',
      exact: false,
    });
  });

  it("is matched or exceeded by core's estimate on prose, code and JSON", async () => {
    const counter = await tiktokenCounter({ encoding: 'cl100k_base' });
    const samples = [
      'Users pay for a 200K window and get 80K: system prompts, tool schemas and history padding eat the rest before the user says a word.',
      'export function planContext({ context, model }: PlanContextOptions): ContextPlan {\n  return plan(context);\n}\n',
      JSON.stringify({
        id: 'T-101',
        budgetEur: 4_800_000,
        tags: ['ports', 'structures'],
        nested: { ok: true },
      }),
    ];
    for (const sample of samples) {
      expect(estimateTokenCounter.countText(sample), sample).toBeGreaterThanOrEqual(
        counter.countText(sample),
      );
    }
  });

  it("keeps core's estimate above the exact count for text with no-break spaces (issue 9)", async () => {
    // Text taken from web pages carries U+00A0 for every &nbsp;: priced like ASCII spaces,
    // the estimate was a third short and a request planned on it could overrun the window.
    const scraped =
      'Price\u00a0\u00a0\u00a0total '.repeat(500) + 'word\u00a0\u00a0\u00a0'.repeat(500);
    const request = { messages: [{ role: 'user' as const, content: scraped }] };
    const estimate = estimateTokenCounter.countRequest(request);
    for (const encoding of ['o200k_base', 'cl100k_base'] as const) {
      const exact = (await tiktokenCounter({ encoding })).countRequest(request);
      expect(estimate, encoding).toBeGreaterThanOrEqual(exact);
    }
  });
});
