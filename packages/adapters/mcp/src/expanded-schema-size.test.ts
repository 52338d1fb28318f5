import { describe, expect, it } from 'vitest';
import { expandedSchemaSize, writtenSchemaSize } from './expanded-schema-size';

/** `levels` definitions, each referring twice to the next. */
function doubling(levels: number) {
  const $defs: Record<string, unknown> = { [`d${levels}`]: { type: 'string' } };
  for (let level = 0; level < levels; level++) {
    $defs[`d${level}`] = {
      properties: { x: { $ref: `#/$defs/d${level + 1}` }, y: { $ref: `#/$defs/d${level + 1}` } },
    };
  }
  return { $ref: '#/$defs/d0', $defs };
}

describe('expandedSchemaSize', () => {
  it('counts a referenced definition at every place it is used', () => {
    const schema = doubling(3);
    expect(writtenSchemaSize(schema)).toBe(1 + 1 + 3 * 4 + 1);
    // The root, $defs and the definitions as written, plus each use of a definition.
    expect(expandedSchemaSize(schema, 1_000)).toBeGreaterThan(writtenSchemaSize(schema) + 8);
  });

  it('stops at the limit on a billion-node expansion, in time linear in the schema', () => {
    expect(expandedSchemaSize(doubling(30), 20_000)).toBe(20_001);
  });

  it('counts a recursive reference once, as converters expand it lazily', () => {
    const tree = {
      $defs: { node: { properties: { children: { items: { $ref: '#/$defs/node' } } } } },
      $ref: '#/$defs/node',
    };
    expect(expandedSchemaSize(tree, 1_000)).toBeLessThan(20);
  });
});
