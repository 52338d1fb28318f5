import { describe, expect, it } from 'vitest';
import { isStrictCompatible } from './strict-json-schema';

const closed = (properties: Record<string, unknown>) => ({
  type: 'object',
  properties,
  required: Object.keys(properties),
  additionalProperties: false,
});

describe('isStrictCompatible', () => {
  it('accepts closed objects with every property required, nested ones included', () => {
    const schema = closed({
      name: { type: 'string' },
      items: { type: 'array', items: closed({ id: { type: 'number' } }) },
    });
    expect(isStrictCompatible(schema)).toBe(true);
  });

  it('rejects an open object, as zod emits for z.object', () => {
    expect(
      isStrictCompatible({
        type: 'object',
        properties: { a: { type: 'string' } },
        required: ['a'],
      }),
    ).toBe(false);
  });

  it('rejects an optional property, however deep', () => {
    const inner = { ...closed({ a: { type: 'string' }, b: { type: 'string' } }), required: ['a'] };
    expect(isStrictCompatible(closed({ nested: { anyOf: [inner, { type: 'null' }] } }))).toBe(
      false,
    );
  });
});
