import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json';

describe('canonicalJson', () => {
  it('sorts keys at every depth, drops undefined properties and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, 1], c: undefined } })).toBe('{"a":{"d":[3,1]},"b":1}');
    expect(canonicalJson({ a: 1, b: 2 })).toBe(canonicalJson({ b: 2, a: 1 }));
    expect(canonicalJson([undefined, Number.NaN, 'x'])).toBe('[null,null,"x"]');
  });

  it('orders keys by UTF-16 code units, numeric-looking keys included', () => {
    expect(canonicalJson({ ä: 1, a: 2, Z: 3, 9: 4, 10: 5, '': 6, f: () => 1 })).toBe(
      '{"":6,"10":5,"9":4,"Z":3,"a":2,"ä":1}',
    );
  });

  it('writes a value with toJSON, and a boxed primitive, as JSON.stringify does (review finding: a URL was {})', () => {
    const value = {
      url: new URL('https://good.example/hook'),
      at: new Date(0),
      boxed: [new String('s'), new Number(1), new Boolean(false)],
      nested: { toJSON: (key: string) => ({ key, z: 1, a: 2 }) },
    };
    expect(canonicalJson(value)).toBe(
      '{"at":"1970-01-01T00:00:00.000Z","boxed":["s",1,false],"nested":{"a":2,"key":"nested","z":1},"url":"https://good.example/hook"}',
    );
    expect(JSON.parse(canonicalJson(value))).toEqual(JSON.parse(JSON.stringify(value)));
  });

  it('tells onLossy of each part JSON cannot write as it is, with its path', () => {
    const lossy: [readonly (string | number)[], string][] = [];
    const json = canonicalJson(
      {
        a: [new Map([[1, 2]]), Number.NaN],
        b: { c: new Set(), f: () => 1 },
        url: new URL('https://x.example'),
      },
      { onLossy: (path, description) => lossy.push([[...path], description]) },
    );
    expect(json).toBe('{"a":[{},null],"b":{"c":{}},"url":"https://x.example/"}');
    expect(lossy.map(([path]) => path)).toEqual([
      ['a', 0],
      ['a', 1],
      ['b', 'c'],
      ['b', 'f'],
    ]);
    expect(lossy[0]![1]).toBe('a Map with no toJSON, which JSON writes as {}');
  });
});
