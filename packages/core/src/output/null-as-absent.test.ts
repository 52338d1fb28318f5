import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { nullAsAbsent } from './null-as-absent';

describe('nullAsAbsent', () => {
  it('drops a null the model wrote for an optional key, so the schema sees the key absent', () => {
    const schema = z.object({ a: z.string(), b: z.string().optional() });
    const read = nullAsAbsent(schema, { a: 'x', b: null });
    expect(read).toEqual({ a: 'x' });
    expect(read).not.toHaveProperty('b');
    expect(schema.parse(read)).toEqual({ a: 'x' });
  });

  it('keeps null where the schema takes it: nullable, nullish and required keys', () => {
    const schema = z.object({
      nullable: z.string().nullable(),
      nullish: z.string().nullish(),
      optionalNullable: z.string().optional().nullable(),
      anything: z.unknown().optional(),
      required: z.string(),
    });
    const value = {
      nullable: null,
      nullish: null,
      optionalNullable: null,
      anything: null,
      required: null,
    };
    expect(nullAsAbsent(schema, value)).toBe(value);
  });

  it('reads nested objects, arrays of objects, records and tuples', () => {
    const item = z.object({ id: z.number(), tag: z.string().optional() });
    const schema = z.object({
      detail: z.object({ inner: z.object({ note: z.string().optional() }) }).optional(),
      items: z.array(item),
      byName: z.record(z.string(), item),
      pair: z.tuple([item, item]),
    });
    const read = nullAsAbsent(schema, {
      detail: { inner: { note: null } },
      items: [
        { id: 1, tag: null },
        { id: 2, tag: 'b' },
      ],
      byName: { x: { id: 3, tag: null } },
      pair: [{ id: 4, tag: null }, { id: 5 }],
    });
    expect(read).toEqual({
      detail: { inner: {} },
      items: [{ id: 1 }, { id: 2, tag: 'b' }],
      byName: { x: { id: 3 } },
      pair: [{ id: 4 }, { id: 5 }],
    });
    expect(schema.safeParse(read).success).toBe(true);
  });

  it('drops an optional object the model wrote as null', () => {
    const schema = z.object({ detail: z.object({ a: z.string() }).optional() });
    expect(nullAsAbsent(schema, { detail: null })).toEqual({});
  });

  it('reads a union member the way of the first member it then fits', () => {
    const event = z.union([
      z.object({ kind: z.literal('move'), to: z.string().optional() }),
      z.object({ kind: z.literal('stop'), reason: z.string().nullable() }),
    ]);
    expect(nullAsAbsent(event, { kind: 'move', to: null })).toEqual({ kind: 'move' });
    expect(nullAsAbsent(event, { kind: 'stop', reason: null })).toEqual({
      kind: 'stop',
      reason: null,
    });
    // A member that takes the value as written comes first: its reading wins, as in zod.
    const either = z.union([
      z.object({ note: z.string().nullable() }),
      z.object({ note: z.string().optional() }),
    ]);
    expect(nullAsAbsent(either, { note: null })).toEqual({ note: null });
  });

  it('reads through defaults, transforms, pipes and lazy schemas', () => {
    const node: z.ZodType = z.object({
      name: z.string().default('?'),
      label: z
        .string()
        .transform((text) => text.toUpperCase())
        .optional(),
      get child() {
        return node.optional();
      },
    });
    const read = nullAsAbsent(node, { name: 'a', label: null, child: { name: 'b', child: null } });
    expect(read).toEqual({ name: 'a', child: { name: 'b' } });
    expect(node.parse(read)).toEqual({ name: 'a', child: { name: 'b' } });
  });

  it('does not touch extra keys, keys it does not know or values that are not objects', () => {
    const schema = z.object({ a: z.string().optional() });
    expect(nullAsAbsent(schema, { other: null })).toEqual({ other: null });
    expect(nullAsAbsent(schema, 'text')).toBe('text');
    expect(nullAsAbsent(schema, [null])).toEqual([null]);
  });
});
