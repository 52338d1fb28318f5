import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeTally, fuzzToolInput, toolInputArbitrary } from '../shared/fuzz-tool-input';
import { retrievalTool } from './retrieval-tool';
import { createTestEmbedder } from './test-embedder';

describe('retrievalTool fuzzing', () => {
  it('validates or refuses every generated call before searching, and never changes its corpus', async ({
    annotate,
  }) => {
    const documents = [
      { id: 'a', text: 'Company cars are booked through the fleet desk.' },
      { id: 'b', text: 'A refund is paid within 30 days.' },
    ];
    const before = JSON.stringify(documents);
    const embedder = createTestEmbedder();
    const tool = retrievalTool({ documents, embedder, maxResults: 3 });
    const tally = await fuzzToolInput(
      tool,
      toolInputArbitrary({
        query: fc.string({ maxLength: 40 }),
        limit: fc.integer({ min: -1, max: 5 }),
        mode: fc.constantFrom('keyword', 'vector', 'hybrid', 'sql'),
      }),
      {
        numRuns: 300,
        afterEach: () => {
          expect(JSON.stringify(documents)).toBe(before);
          for (const batch of embedder.calls)
            expect(batch.every((text) => typeof text === 'string')).toBe(true);
        },
      },
    );
    expect(tally.rejected).toBeGreaterThan(0);
    expect(tally.executed).toBeGreaterThan(0);
    await annotate(describeTally(tally));
  });
});
