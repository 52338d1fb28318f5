import { describe, expect, it } from 'vitest';
import { applyJsonDelta, diffJson, jsonEqual } from './json-delta';

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

describe('applyJsonDelta', () => {
  it('rejects a delta whose shared source is missing', () => {
    expect(() => applyJsonDelta({}, [['x', ['a'], ['b'], 4, []]])).toThrow(/not there/);
  });
});

describe('jsonEqual', () => {
  it('compares nested values by content', () => {
    expect(jsonEqual({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toBe(true);
    expect(jsonEqual({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(jsonEqual([1], { 0: 1 })).toBe(false);
  });
});
