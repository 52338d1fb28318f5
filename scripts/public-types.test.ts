import { describe, expect, it } from 'vitest';
import { unnamedTypes } from './public-types.ts';

/**
 * ADR 0093: every type a published package's public entries reach is exported from a public
 * entry, so a library built on them can emit declarations. `packed-packages.test.ts` compiles
 * such a library against the packed packages; this finds a new unnamed type in seconds.
 */
describe('the types public signatures reach', () => {
  it('are each exported from the entry, its package root or a public subpath, never only /internal', () => {
    expect(unnamedTypes().map((type) => `${type.entry}: ${type.name} (${type.via})`)).toEqual([]);
  }, 60_000);
});
