import { describe, expect, it } from 'vitest';
import { cookbookPromptTokens } from './__fixtures__/cookbook-formula';
import { usageFixtures } from './__fixtures__/openai-usage';
import { encodingForModel } from './encoding-for-model';
import { loadEncoding } from './load-encoding';
import { tiktokenCounter } from './tiktoken-counter';

describe('tiktokenCounter against provider-reported usage', () => {
  for (const fixture of usageFixtures) {
    it(`counts "${fixture.name}" (${fixture.source}) within ${fixture.tolerance.tokens} tokens of ${fixture.promptTokens}`, async () => {
      const counter = await tiktokenCounter({ model: fixture.model });
      const countText = await loadEncoding(counter.encoding as 'o200k_base' | 'cl100k_base');
      // OpenAI's `name` field: 1 token plus the name (documented); our ChatMessage has none.
      const named = Object.values(fixture.names ?? {}).reduce(
        (sum, name) => sum + countText(name) + 1,
        0,
      );
      const counted = counter.countRequest(fixture.request) + named;
      expect(Math.abs(counted - fixture.promptTokens)).toBeLessThanOrEqual(
        fixture.tolerance.tokens,
      );
    });
  }

  it('keeps the derived fixtures true to the documented rules they were derived with', async () => {
    for (const fixture of usageFixtures.filter((candidate) => candidate.source === 'derived')) {
      const encoding = encodingForModel(fixture.model)!;
      const derived = cookbookPromptTokens(
        fixture.request.messages,
        fixture.request.tools ?? [],
        encoding,
        await loadEncoding(encoding),
      );
      expect(derived, fixture.name).toBe(fixture.promptTokens);
    }
  });
});
