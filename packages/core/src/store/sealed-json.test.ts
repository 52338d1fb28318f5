import { describe, expect, it } from 'vitest';
import { sealJson } from './sealed-json';

/** Every object and array under `value` is frozen. */
function deeplyFrozen(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return true;
  return Object.isFrozen(value) && Object.values(value).every(deeplyFrozen);
}

class Point {
  constructor(
    readonly x: number,
    readonly y: number,
  ) {}
}

describe('sealJson', () => {
  it('gives what a JSON round trip gives, frozen all the way down', () => {
    const holes: unknown[] = [1];
    holes[2] = 3;
    const withProto = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}');
    const value = {
      text: 'a',
      number: 1.5,
      notANumber: Number.NaN,
      infinite: Number.POSITIVE_INFINITY,
      missing: undefined,
      fn: () => 1,
      list: [undefined, () => 1, Symbol('s'), null, holes],
      date: new Date(0),
      point: new Point(1, 2),
      map: new Map([['a', 1]]),
      boxed: [Object(1), Object('s'), Object(true)],
      bytes: new Uint8Array([1, 2]),
      nested: { deeper: { deepest: [{ a: 1 }] } },
      withProto,
      custom: { toJSON: (key: string) => `custom:${key}` },
    };
    const sealed = sealJson(value);
    expect(JSON.stringify(sealed)).toBe(JSON.stringify(value));
    expect(sealed).toEqual(JSON.parse(JSON.stringify(value)));
    expect(Object.getPrototypeOf((sealed as typeof value).withProto)).toBe(Object.prototype);
    expect(deeplyFrozen(sealed)).toBe(true);
  });

  it('leaves the value given unchanged unless asked to seal in place', () => {
    const value = { list: [1, { a: 1 }], inner: { b: 2 } };
    const sealed = sealJson(value) as typeof value;
    expect(Object.isFrozen(value)).toBe(false);
    expect(Object.isFrozen(value.list)).toBe(false);
    expect(sealed).not.toBe(value);
    expect(sealed.inner).not.toBe(value.inner);
  });

  it('freezes plain objects and arrays in place, and copies what is not plain JSON', () => {
    const point = new Point(1, 2);
    const value = { list: [1, { a: 1 }], inner: { b: 2 }, point, dropped: undefined };
    const sealed = sealJson(value, { inPlace: true }) as Record<string, unknown>;
    expect(sealed.list).toBe(value.list);
    expect(sealed.inner).toBe(value.inner);
    expect(Object.isFrozen(value.list)).toBe(true);
    // The class instance is copied (its own code may change it), and so is its parent.
    expect(sealed.point).toEqual({ x: 1, y: 2 });
    expect(sealed.point).not.toBe(point);
    expect(Object.isFrozen(point)).toBe(false);
    expect(sealed).not.toBe(value);
    expect('dropped' in sealed).toBe(false);
  });

  it('shares the nodes it has in common with the previous tree without looking into them', () => {
    let reads = 0;
    const watched = {
      get content() {
        reads++;
        return 'read me';
      },
    };
    const first = sealJson({ count: 1, log: [watched] }, { inPlace: true }) as {
      count: number;
      log: unknown[];
    };
    expect(reads).toBe(1);
    // The next step, as `assign` makes it: a new context and log, the old entries shared.
    const next = { count: 2, log: [...first.log, { content: 'new' }] };
    const second = sealJson(next, { inPlace: true, previous: first }) as typeof next;
    expect(reads).toBe(1);
    expect(second.log[0]).toBe(first.log[0]);
    expect(deeplyFrozen(second)).toBe(true);
  });

  it('copying, gives the previous tree itself for a node equal to it, and a new node otherwise', () => {
    const state = { status: 'running', usage: { steps: 1, calls: 0 }, sites: { a: 1 }, list: [1] };
    const first = sealJson(state) as typeof state;
    state.usage.steps = 2;
    const second = sealJson(state, { previous: first }) as typeof state;
    // What did not change is the previous tree's node; what changed, and its parents, are new.
    expect(second.sites).toBe(first.sites);
    expect(second.list).toBe(first.list);
    expect(second.usage).not.toBe(first.usage);
    expect(second).not.toBe(first);
    expect(second).toEqual({ ...state, usage: { steps: 2, calls: 0 } });
    expect(sealJson(state, { previous: second })).toBe(second);
    // A key added, removed or moved, or an item added, makes a new node.
    const moved = sealJson({ list: [1], sites: { a: 1 } }, { previous: first }) as typeof state;
    expect(Object.keys(moved)).toEqual(['list', 'sites']);
    expect(moved.list).toBe(first.list);
    const dropped = sealJson({ ...state, status: undefined }, { previous: second });
    expect(Object.keys(dropped as object)).toEqual(['usage', 'sites', 'list']);
    expect(sealJson([1, 2], { previous: first.list })).toEqual([1, 2]);
    expect(sealJson([], { previous: first.list })).toEqual([]);
    // Fewer items than before, all of them the previous tree's: a new node, not the old one.
    const three = sealJson([{ a: 1 }, 'b', 3]) as unknown[];
    const two = sealJson(three.slice(0, 2), { previous: three }) as unknown[];
    expect(two).toEqual([{ a: 1 }, 'b']);
    expect(two[0]).toBe(three[0]);
    expect(Object.isFrozen(two)).toBe(true);
    // An item changed after a shared start is sealed, and the start kept.
    const changed = sealJson([three[0], 'c', undefined], { previous: three }) as unknown[];
    expect(changed).toEqual([{ a: 1 }, 'c', null]);
    expect(changed[0]).toBe(three[0]);
    const inPlace = [three[0], three[1], Number.NaN];
    expect(sealJson(inPlace, { inPlace: true, previous: three })).toEqual([{ a: 1 }, 'b', null]);
    expect(sealJson({}, { previous: first })).toEqual({});
    expect(deeplyFrozen(second)).toBe(true);
  });

  it('seals a key named __proto__ as its own, against a previous tree without one (froze Object.prototype)', () => {
    // A tool's answer parsed from JSON, stored where the last step held another object.
    const answer = JSON.parse('{"__proto__":{}}');
    const sealed = sealJson({ result: answer }, { previous: sealJson({ result: {} }) }) as {
      result: object;
    };
    expect(Object.isFrozen(Object.prototype)).toBe(false);
    expect(Object.getOwnPropertyDescriptor(sealed.result, '__proto__')?.value).not.toBe(
      Object.prototype,
    );
    expect(JSON.stringify(sealed)).toBe('{"result":{"__proto__":{}}}');
  });

  it('throws on a cycle and on a BigInt, as JSON.stringify does', () => {
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(() => sealJson(cycle)).toThrow(/circular/);
    expect(() => sealJson({ big: 1n })).toThrow(TypeError);
  });

  it('gives undefined for what JSON writes nothing for', () => {
    expect(sealJson(undefined)).toBeUndefined();
    expect(sealJson(() => 1)).toBeUndefined();
    expect(sealJson(3)).toBe(3);
  });
});
