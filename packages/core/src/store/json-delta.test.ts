import { describe, expect, it } from 'vitest';
import { applyJsonDelta, diffJson, type JsonDeltaOp, jsonEqual } from './json-delta';

const roundTrip = (prev: unknown, next: unknown) =>
  applyJsonDelta(structuredClone(prev), JSON.parse(JSON.stringify(diffJson(prev, next))));

const message = (n: number) => ({ role: 'user', content: `message ${n} ${'x'.repeat(1000)}` });

describe('diffJson', () => {
  it('produces no ops for equal trees', () => {
    expect(diffJson({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toEqual([]);
  });

  it('round-trips sets, deletions, truncations and type changes', () => {
    const prev = { a: 1, b: [1, 2, 3], c: { d: 'x', e: null }, f: 'gone' };
    const next = { a: 2, b: [1, 5], c: { d: ['now', 'an', 'array'], e: null }, g: true };
    expect(roundTrip(prev, next)).toEqual(next);
  });

  it('replaces the root when the type changes', () => {
    expect(roundTrip({ a: 1 }, [1, 2])).toEqual([1, 2]);
    expect(roundTrip(1, 'one')).toBe('one');
  });

  it('writes only the appended message when a history grows', () => {
    const history = Array.from({ length: 50 }, (_, n) => message(n));
    const prev = { context: { messages: history } };
    const next = { context: { messages: [...history, message(50)] } };
    const ops = diffJson(prev, next);
    expect(JSON.stringify(ops).length).toBeLessThan(1_200);
    expect(roundTrip(prev, next)).toEqual(next);
  });

  it('stores a new copy of a stored history as a reference plus its new items', () => {
    const history = Array.from({ length: 50 }, (_, n) => message(n));
    const prev = { context: { messages: history }, children: {} };
    // An invoked actor's input: the history so far and one more message, in a new place.
    const next = {
      context: { messages: history },
      children: { chat: { input: { messages: [...history, message(50)], task: 't' } } },
    };
    const ops = diffJson(prev, next);
    expect(JSON.stringify(ops).length).toBeLessThan(1_300);
    expect(ops.some((op) => op[0] === 'x')).toBe(true);
    expect(roundTrip(prev, next)).toEqual(next);
  });

  it('does not alias a shared array with its source when applied', () => {
    const history = [1, 2, 3, 4, { n: 5 }];
    const prev = { a: history };
    const next = { a: [...history.slice(0, 4), { n: 6 }], b: history };
    const applied = roundTrip(prev, next) as { a: unknown[]; b: unknown[] };
    expect(applied).toEqual(next);
    expect(applied.b[4]).not.toBe(applied.a[4]);
  });
});

describe('applyJsonDelta on items an earlier op shared', () => {
  const items = () => Array.from({ length: 5 }, (_, n) => ({ n, note: { text: `item ${n}` } }));

  it('shares the items of a copied array instead of deep-copying them, and copies one before writing below it', () => {
    const history = items();
    const state0 = { a: history };
    const state1 = { a: history, b: [...history, { n: 5, note: { text: 'item 5' } }] };
    // The next step changes an item of the copy in place of a new one, deep below it.
    const state2 = {
      a: history,
      b: [{ n: 0, note: { text: 'changed' } }, ...state1.b.slice(1)],
    };
    const sharing = new WeakSet<object>();
    const base = structuredClone(state0);
    const delta1 = JSON.parse(JSON.stringify(diffJson(state0, state1)));
    const delta2 = JSON.parse(JSON.stringify(diffJson(state1, state2)));
    expect(delta1.some((op: JsonDeltaOp) => op[0] === 'x')).toBe(true);
    const after1 = applyJsonDelta(base, delta1, sharing) as typeof state1;
    // Shared, not copied: rebuilding a long history no longer deep-copies it at every delta.
    expect(after1.b[1]).toBe(after1.a[1]);
    const after2 = applyJsonDelta(after1, delta2, sharing) as typeof state2;
    expect(after2).toEqual(state2);
    expect(after2.a[0]).toEqual({ n: 0, note: { text: 'item 0' } });
    expect(after2.b[1]).toBe(after2.a[1]);
  });

  it('keeps an op of the same delta that writes below a source item from reaching the copy', () => {
    const history = items();
    const prev = { a: history };
    const next = {
      a: [{ n: 0, note: { text: 'rewritten' } }, ...history.slice(1)],
      b: [...history, { n: 5, note: { text: 'item 5' } }],
    };
    const applied = roundTrip(prev, next) as typeof next;
    expect(applied).toEqual(next);
    expect(applied.b[0]).toEqual({ n: 0, note: { text: 'item 0' } });
  });
});

describe('applyJsonDelta', () => {
  it('rejects a delta whose shared source is missing', () => {
    expect(() => applyJsonDelta({}, [['x', ['a'], ['b'], 4, []]])).toThrow(/not there/);
  });

  it('never reaches a prototype, whatever a forged delta says (prototype pollution review finding)', () => {
    const forged: unknown[][] = [
      [['s', ['__proto__', 'polluted'], 'yes']],
      [['s', ['constructor', 'prototype', 'polluted'], 'yes']],
      [['s', ['a', 'toString', 'polluted'], 'yes']],
      // A list in a path is read as the key it spells.
      [['s', [['__proto__'], 'polluted'], 'yes']],
      [['x', ['b'], ['__proto__', 'a'], 0, []]],
      [['t', ['constructor'], 0]],
    ];
    try {
      for (const ops of forged) {
        expect(() => applyJsonDelta({ a: {} }, ops as JsonDeltaOp[])).toThrow(/delta/);
      }
      // A key `__proto__` is data, as JSON.parse makes it, not the node's prototype.
      const applied = applyJsonDelta({}, [['s', ['__proto__'], { polluted: 'yes' }]]) as object;
      expect(Object.getPrototypeOf(applied)).toBe(Object.prototype);
      expect((applied as { polluted?: unknown }).polluted).toBeUndefined();
      expect(JSON.stringify(applied)).toBe('{"__proto__":{"polluted":"yes"}}');
      expect({}).not.toHaveProperty('polluted');
      expect(Object.prototype.toString).not.toHaveProperty('polluted');
    } finally {
      // On a failure, so the tests after this one do not run on a polluted prototype.
      delete (Object.prototype as { polluted?: unknown }).polluted;
      delete (Object.prototype.toString as { polluted?: unknown }).polluted;
    }
  });

  it('round-trips data with keys named __proto__, constructor and prototype as its own keys', () => {
    const next = JSON.parse(
      '{"a":{"__proto__":{"items":[1,2,3,4,5]},"constructor":{"prototype":1}},"__proto__":2}',
    );
    const applied = roundTrip({ a: {} }, next) as { a: object };
    expect(JSON.stringify(applied)).toBe(JSON.stringify(next));
    expect(Object.getPrototypeOf(applied.a)).toBe(Object.prototype);
    expect(jsonEqual(applied, next)).toBe(true);
    // And changes under such a key, a shared array included.
    const grown = JSON.parse(JSON.stringify(next).replace('5]', '5,6]').replace(':2}', ':3}'));
    expect(JSON.stringify(roundTrip(next, grown))).toBe(JSON.stringify(grown));
    expect(jsonEqual(JSON.parse('{"__proto__":1}'), {})).toBe(false);
  });
});

describe('jsonEqual', () => {
  it('compares nested values by content', () => {
    expect(jsonEqual({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toBe(true);
    expect(jsonEqual({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(jsonEqual([1], { 0: 1 })).toBe(false);
  });
});
