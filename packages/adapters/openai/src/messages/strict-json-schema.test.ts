import { describe, expect, it } from 'vitest';
import { isStrictCompatible, toStrictJsonSchema } from './strict-json-schema';
import { toOpenAIResponseFormat } from './to-openai-response-format';

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

  it('does not ask for strict mode for a root that is not an object, which strict mode refuses with a 400 (issue 9)', () => {
    const a = closed({ a: { type: 'string' } });
    const b = closed({ b: { type: 'number' } });
    expect(isStrictCompatible({ anyOf: [a, b] })).toBe(false);
    expect(isStrictCompatible({ oneOf: [a, b] })).toBe(false);
    expect(isStrictCompatible({ type: 'array', items: a })).toBe(false);
    expect(isStrictCompatible({ type: 'string' })).toBe(false);
  });

  it('does not ask for strict mode past the limits on properties and characters strict mode refuses with a 400', () => {
    const many = (count: number, name = (index: number) => `p${index}`) =>
      closed(
        Object.fromEntries(Array.from({ length: count }, (_, i) => [name(i), { type: 'string' }])),
      );
    expect(isStrictCompatible(many(5000))).toBe(true);
    expect(isStrictCompatible(many(5001))).toBe(false);
    // 1,000 properties of 121 characters: past 120,000 characters of names.
    expect(isStrictCompatible(many(1000, (i) => `${i}`.padEnd(121, 'x')))).toBe(false);
    // One string enum of 300 values of 60 characters: past 15,000 characters.
    const long = Array.from({ length: 300 }, (_, i) => `${i}`.padEnd(60, 'x'));
    expect(isStrictCompatible(closed({ code: { type: 'string', enum: long } }))).toBe(false);
    expect(
      isStrictCompatible(
        closed({ code: { type: 'string', enum: long.map((v) => v.slice(0, 40)) } }),
      ),
    ).toBe(true);
  });

  it('does not ask for strict mode for tuples and keywords strict mode refuses (issue 9)', () => {
    const tuple = {
      type: 'array',
      items: [{ type: 'string' }, { type: 'number' }],
      additionalItems: false,
    };
    expect(isStrictCompatible(closed({ t: tuple }))).toBe(false);
    expect(isStrictCompatible(closed({ x: { allOf: [{ type: 'string' }] } }))).toBe(false);
  });

  it('does not ask for strict mode for a key that takes any value, which strict mode refuses for want of a type', () => {
    expect(isStrictCompatible(closed({ extra: {} }))).toBe(false);
    expect(isStrictCompatible(closed({ extra: { description: 'anything' } }))).toBe(false);
    expect(isStrictCompatible(closed({ list: { type: 'array', items: {} } }))).toBe(false);
    expect(isStrictCompatible(closed({ either: { anyOf: [{ type: 'string' }, {}] } }))).toBe(false);
    expect(
      isStrictCompatible(closed({ ref: { $ref: '#/definitions/a' }, tag: { const: 'x' } })),
    ).toBe(true);
  });
});

describe('toStrictJsonSchema', () => {
  const kindA = closed({ kind: { type: 'string', const: 'a' }, x: { type: 'string' } });
  const kindB = closed({ kind: { type: 'string', const: 'b' }, y: { type: 'number' } });

  it("sends a discriminated union's oneOf as anyOf, and drops default, keeping strict mode (issue 9)", () => {
    const schema = closed({
      event: { oneOf: [kindA, kindB] },
      default: { type: 'number', default: 3 },
    });
    const { responseFormat } = toOpenAIResponseFormat(
      { type: 'json_schema', name: 'output', schema },
      [],
      'json_schema',
    );
    expect(responseFormat).toEqual({
      type: 'json_schema',
      json_schema: {
        name: 'output',
        strict: true,
        schema: closed({ event: { anyOf: [kindA, kindB] }, default: { type: 'number' } }),
      },
    });
    expect(JSON.stringify(responseFormat)).not.toMatch(/oneOf|"default":3/);
  });

  it('leaves a schema that cannot be strict as it was given, and not strict (issue 9)', () => {
    const schema = { oneOf: [kindA, kindB] };
    const { responseFormat } = toOpenAIResponseFormat(
      { type: 'json_schema', name: 'output', schema },
      [],
      'json_schema',
    );
    expect(responseFormat).toEqual({
      type: 'json_schema',
      json_schema: { name: 'output', strict: false, schema },
    });
  });

  it('keeps a property named like a keyword', () => {
    const schema = closed({ oneOf: { type: 'string' }, default: { type: 'string' } });
    expect(toStrictJsonSchema(schema)).toEqual(schema);
  });
});
