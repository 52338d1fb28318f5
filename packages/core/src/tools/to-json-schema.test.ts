import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { toJsonSchema } from './to-json-schema';

const orNull = (schema: Record<string, unknown>) => ({ anyOf: [schema, { type: 'null' }] });
const answer = (schema: z.ZodType) => toJsonSchema(schema, 'test schema', 'output');

describe('toJsonSchema', () => {
  describe("an answer's schema", () => {
    it('requires an optional key and asks for it as nullable, so strict modes stay on', () => {
      expect(answer(z.object({ a: z.string(), b: z.string().optional() }))).toEqual({
        type: 'object',
        properties: { a: { type: 'string' }, b: orNull({ type: 'string' }) },
        required: ['a', 'b'],
        additionalProperties: false,
      });
    });

    it('keeps a nullable key as zod writes it, and adds no second null to an optional nullable one', () => {
      const schema = answer(
        z.object({
          nullable: z.number().nullable(),
          nullish: z.number().nullish(),
          optionalNullable: z.number().optional().nullable(),
        }),
      );
      expect(schema.properties).toEqual({
        nullable: { type: ['number', 'null'] },
        nullish: { type: ['number', 'null'] },
        optionalNullable: { type: ['number', 'null'] },
      });
      expect(schema.required).toEqual(['nullable', 'nullish', 'optionalNullable']);
    });

    it('converts optional keys of nested objects and of objects in arrays, and an optional object', () => {
      const item = z.object({ id: z.number(), tag: z.string().optional() });
      const schema = answer(
        z.object({
          items: z.array(item),
          detail: z.object({ note: z.string().describe('Why').optional() }).optional(),
        }),
      );
      const closedItem = {
        type: 'object',
        properties: { id: { type: 'number' }, tag: orNull({ type: 'string' }) },
        required: ['id', 'tag'],
        additionalProperties: false,
      };
      expect(schema.properties).toEqual({
        items: { type: 'array', items: closedItem },
        detail: orNull({
          type: 'object',
          properties: { note: orNull({ type: 'string', description: 'Why' }) },
          required: ['note'],
          additionalProperties: false,
        }),
      });
      expect(schema.required).toEqual(['items', 'detail']);
    });

    it('converts a schema used in several places the same everywhere', () => {
      const note = z.string().optional();
      const schema = answer(z.object({ a: note, inner: z.object({ b: note }) }));
      expect(schema.properties).toEqual({
        a: orNull({ type: 'string' }),
        inner: {
          type: 'object',
          properties: { b: orNull({ type: 'string' }) },
          required: ['b'],
          additionalProperties: false,
        },
      });
    });

    it("converts the optional keys of a union's members", () => {
      const schema = answer(
        z.object({
          event: z.discriminatedUnion('kind', [
            z.object({ kind: z.literal('move'), to: z.string().optional() }),
            z.object({ kind: z.literal('stop') }),
          ]),
        }),
      );
      expect(schema.properties).toEqual({
        event: {
          oneOf: [
            {
              type: 'object',
              properties: {
                kind: { type: 'string', const: 'move' },
                to: orNull({ type: 'string' }),
              },
              required: ['kind', 'to'],
              additionalProperties: false,
            },
            {
              type: 'object',
              properties: { kind: { type: 'string', const: 'stop' } },
              required: ['kind'],
              additionalProperties: false,
            },
          ],
        },
      });
    });

    it('requires a key with a default as it is, for the model to fill', () => {
      const schema = answer(z.object({ tags: z.array(z.string()).default([]) }));
      expect(schema.properties).toEqual({
        tags: { type: 'array', items: { type: 'string' }, default: [] },
      });
      expect(schema.required).toEqual(['tags']);
    });

    it('asks for an optional transformed key by what the model writes, as nullable', () => {
      const schema = answer(
        z.object({
          size: z
            .string()
            .transform((text) => text.length)
            .optional(),
        }),
      );
      expect(schema.properties).toEqual({ size: orNull({ type: 'string' }) });
    });

    it('converts the optional keys of a recursive schema', () => {
      const node: z.ZodType = z.object({
        name: z.string(),
        get child() {
          return node.optional();
        },
      });
      const schema = answer(z.object({ root: node }));
      const definitions = schema.definitions as Record<string, Record<string, any>>;
      const [recursive] = Object.values(definitions);
      expect(recursive?.required).toEqual(['name', 'child']);
      expect(recursive?.properties.child.anyOf[1]).toEqual({ type: 'null' });
      expect(JSON.stringify(recursive?.properties.child.anyOf[0])).toContain('"$ref"');
    });
  });

  describe('what a provider cannot be asked for', () => {
    it('refuses a bare transform at definition, saying to put it after a schema of what the model writes', () => {
      const schema = z.object({ when: z.transform((value) => new Date(String(value))) });
      expect(() => answer(schema)).toThrow(
        expect.objectContaining({
          code: 'definition.schema_not_convertible',
          message: expect.stringMatching(
            /test schema: .*Transforms cannot be represented.*z\.string\(\)\.transform\(parse\) instead of z\.transform\(parse\)/,
          ),
        }),
      );
    });

    it('names the key whose schema cannot be converted, however deep', () => {
      // Before: "Date cannot be represented in JSON Schema", with no word of which key.
      const order = z.object({
        id: z.string(),
        lines: z.array(z.object({ sku: z.string(), shippedAt: z.date().optional() })),
      });
      expect(() => answer(order)).toThrow(/at "lines\[\]\.shippedAt" \(Date cannot be represented/);
      const tagged = z.object({ tags: z.record(z.string(), z.union([z.string(), z.bigint()])) });
      expect(() => answer(tagged)).toThrow(/at "tags\.\{key\}" \(BigInt cannot be represented/);
    });

    it('says to write .optional() for an undefined member, not to ask for a date', () => {
      for (const note of [z.union([z.string(), z.undefined()]), z.void()]) {
        const attempt = () => answer(z.object({ note }));
        expect(attempt).toThrow(/at "note" .*z\.string\(\)\.optional\(\)/);
        expect(attempt).not.toThrow(/for a date/);
      }
    });

    it('refuses a bigint, a Map and a Set with advice for each, not for a date', () => {
      expect(() => answer(z.object({ n: z.bigint() }))).toThrow(
        /for a big integer, a string of digits/,
      );
      expect(() => answer(z.object({ m: z.map(z.string(), z.number()) }))).toThrow(
        /for a Map, an object \(z\.record/,
      );
      for (const schema of [
        z.object({ n: z.bigint() }),
        z.object({ m: z.map(z.string(), z.number()) }),
      ]) {
        expect(() => answer(schema)).not.toThrow(/for a date/);
      }
    });

    it('refuses z.custom() and a date at definition, each with its own advice', () => {
      expect(() =>
        answer(z.object({ a: z.custom<string>((value) => typeof value === 'string') })),
      ).toThrow(/z\.custom\(\) does not say what the model writes: use a JSON type with a check/);
      expect(() => answer(z.object({ a: z.date() }))).toThrow(
        /ask for a string \(z\.iso\.datetime\(\)/,
      );
    });

    it('sends a refined, transformed, piped or preprocessed key by what the model writes', () => {
      const schema = answer(
        z.object({
          refined: z.string().refine((text) => text.length > 2, 'too short'),
          transformed: z.string().transform((text) => text.length),
          piped: z.string().pipe(z.coerce.number()),
          preprocessed: z.preprocess((value) => Number(value), z.number()),
          caught: z.string().catch('none'),
        }),
      );
      expect(schema.properties).toEqual({
        refined: { type: 'string' },
        transformed: { type: 'string' },
        piped: { type: 'string' },
        preprocessed: { type: 'number' },
        // The fallback value is a default the model may see; strict forms leave it out.
        caught: { type: 'string', default: 'none' },
      });
      expect(schema.required).toEqual([
        'refined',
        'transformed',
        'piped',
        'preprocessed',
        'caught',
      ]);
    });
  });

  it("leaves a tool's optional arguments optional", () => {
    const schema = toJsonSchema(z.object({ a: z.string(), b: z.string().optional() }), 'tool');
    expect(schema.required).toEqual(['a']);
    expect(schema.properties).toEqual({ a: { type: 'string' }, b: { type: 'string' } });
  });

  it('refuses a z.file() in an answer or in arguments, naming the key, since no model writes one', () => {
    const upload = z.object({ title: z.string(), scan: z.file() });
    for (const io of ['output', 'input'] as const) {
      // Before: converted to a binary string the model filled, which no parse took as a File.
      expect(() => toJsonSchema(upload, 'test schema', io)).toThrow(
        expect.objectContaining({
          code: 'definition.schema_not_convertible',
          message: expect.stringMatching(/at "scan".*ask for its URL, its path or its text/),
        }),
      );
    }
  });
});
