import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeTally, fuzzToolInput, toolInputArbitrary } from '../shared/fuzz-tool-input';
import { jsonQueryTool } from './json-query-tool';

const queryPieces = fc.constantFrom(
  'items',
  '[*]',
  '[?price < `10`]',
  '.name',
  '|',
  'length(@)',
  '{a: @}',
  '`1`',
  'to_string(@)',
  '[0]',
  '..',
  'constructor',
  '__proto__',
  "'x'",
  '&',
  'sort_by(@, &a)',
  '$',
  ' ',
);

describe('jsonQueryTool fuzzing', () => {
  it('validates or refuses every generated call before evaluating, and never changes its data', async ({
    annotate,
  }) => {
    const data = Object.freeze({
      items: Object.freeze([Object.freeze({ name: 'pen', price: 2 })]),
    });
    const before = JSON.stringify(data);
    const bound = jsonQueryTool({ data, maxQueryLength: 200, timeoutMs: 5_000 });
    const passed = jsonQueryTool({
      maxDocumentChars: 2_000,
      maxQueryLength: 200,
      timeoutMs: 5_000,
    });
    const query = fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.array(queryPieces, { minLength: 1, maxLength: 6 }).map((pieces) => pieces.join('')),
    );
    const boundTally = await fuzzToolInput(bound, toolInputArbitrary({ query }), {
      numRuns: 15,
      afterEach: () => expect(JSON.stringify(data)).toBe(before),
    });
    const passedTally = await fuzzToolInput(
      passed,
      toolInputArbitrary({ query, document: fc.json({ maxDepth: 3 }) }),
      { numRuns: 15 },
    );
    for (const tally of [boundTally, passedTally]) {
      expect(tally.rejected).toBeGreaterThan(0);
      expect(tally.executed).toBeGreaterThan(0);
    }
    await annotate(
      `bound data: ${describeTally(boundTally)}; passed document: ${describeTally(passedTally)}`,
    );
  });
});
