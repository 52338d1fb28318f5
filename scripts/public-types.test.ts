import { describe, expect, it } from 'vitest';
import { unnamedTypes } from './public-types.ts';

/**
 * ADRs 0093 and 0099: every type a published package's public entries reach is exported from
 * that entry or the package's root, so a library built on them can emit declarations.
 * `packed-packages.test.ts` compiles such a library against the packed packages; this finds
 * a new unnamed type in seconds.
 */
describe('the types public signatures reach', () => {
  it('are each exported from the entry or its package root, never only /internal or a sibling subpath', () => {
    // Was: 49 types a root value reaches (`SqliteCheckpointer`'s `RunSummary`, `AgentSettings`'
    // `ResponseCache`) only a subpath exported, so a library not importing it failed TS2883.
    expect(unnamedTypes().map((type) => `${type.entry}: ${type.name} (${type.via})`)).toEqual([]);
  }, 60_000);
});
