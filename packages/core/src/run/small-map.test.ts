import { describe, expect, it } from 'vitest';
import { SmallMap } from './small-map';

describe('SmallMap', () => {
  it('does what a Map does with one entry, then with several, in insertion order', () => {
    const map = new SmallMap<string, number>();
    expect(map.size).toBe(0);
    expect(map.get('a')).toBeUndefined();
    expect(map.delete('a')).toBe(false);
    map.set('a', 1);
    map.set('a', 2);
    expect([map.size, map.get('a'), map.has('a'), map.has('b')]).toEqual([1, 2, true, false]);
    expect(map.delete('b')).toBe(false);
    map.set('b', 3);
    map.set('c', 4);
    map.set('a', 5);
    expect(map.keys()).toEqual(['a', 'b', 'c']);
    expect(map.values()).toEqual([5, 3, 4]);
    expect(map.delete('a')).toBe(true);
    expect([map.size, map.get('a'), map.get('b')]).toEqual([2, undefined, 3]);
    map.clear();
    expect([map.size, map.keys(), map.values()]).toEqual([0, [], []]);
    map.set('d', 6);
    expect(map.delete('d')).toBe(true);
    expect(map.values()).toEqual([]);
  });

  it('gives its values as a snapshot that changing the map leaves as it is', () => {
    const map = new SmallMap<object, string>();
    const first = {};
    map.set(first, 'one');
    const before = map.values();
    map.delete(first);
    expect(before).toEqual(['one']);
  });
});
