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
});
