import { describe, expect, it } from 'vitest';
import { jsonCopy } from './json-copy';

/** What a JSON round trip gives: the copy jsonCopy must equal. */
const roundTrip = (value: unknown) => JSON.parse(JSON.stringify(value));

describe('jsonCopy', () => {
  it('copies plain data as a JSON round trip does, sharing no object with the value', () => {
    const value = {
      response: { content: 'hi', toolCalls: [{ id: 'c1', name: 'add', arguments: '{"a":1}' }] },
      usage: { inputTokens: 3, outputTokens: 0 },
      cached: false,
      missing: undefined,
      nothing: null,
      nested: [[1, 'two', { three: 3 }]],
    };
    const copy = jsonCopy(value);
    expect(copy).toStrictEqual(roundTrip(value));
    expect(Object.keys(copy)).toEqual(Object.keys(roundTrip(value)));
    expect(copy.response).not.toBe(value.response);
    expect(copy.response.toolCalls[0]).not.toBe(value.response.toolCalls[0]);
    value.response.toolCalls[0]!.name = 'changed';
    expect(copy.response.toolCalls[0]!.name).toBe('add');
  });

  it('gives what JSON gives for values plain data cannot hold', () => {
    class Point {
      constructor(
        readonly x: number,
        readonly y: number,
      ) {}
    }
    const values = [
      { when: new Date(0) },
      { point: new Point(1, 2) },
      { list: [1, undefined, () => 1] },
      { ratio: Number.NaN, big: Number.POSITIVE_INFINITY },
      { zero: -0 },
      { custom: { toJSON: (key: string) => `field ${key}` } },
      JSON.parse('{"__proto__":{"polluted":true}}'),
      { map: new Map([[1, 2]]), set: new Set([1]) },
    ];
    for (const value of values) {
      const copy = jsonCopy(value);
      expect(copy).toStrictEqual(roundTrip(value));
      expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    }
    expect(Object.is(jsonCopy({ zero: -0 }).zero, 0)).toBe(true);
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it('returns text, numbers and the like as they are, and throws on a cycle as JSON does', () => {
    expect(jsonCopy('text')).toBe('text');
    expect(jsonCopy(5)).toBe(5);
    expect(jsonCopy(null)).toBeNull();
    expect(jsonCopy(undefined)).toBeUndefined();
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(() => jsonCopy(cycle)).toThrow(TypeError);
  });
});
