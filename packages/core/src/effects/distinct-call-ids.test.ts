import { describe, expect, it } from 'vitest';
import { distinctCallIds } from './distinct-call-ids';

const call = (id: string, city: string) => ({
  id,
  name: 'lookup',
  arguments: `{"city":"${city}"}`,
});

describe('distinctCallIds', () => {
  it('returns an answer without repeated ids as it is', () => {
    const calls = [call('a', 'Oslo'), call('b', 'Lima')];
    expect(distinctCallIds(calls)).toBe(calls);
  });

  it('gives a repeated id a suffix of its own, in call order, never one already used', () => {
    const calls = [call('c', 'Oslo'), call('c', 'Lima'), call('c_2', 'Rome'), call('c', 'Bern')];
    expect(distinctCallIds(calls).map((each) => each.id)).toEqual(['c', 'c_3', 'c_2', 'c_4']);
    expect(distinctCallIds(calls).map((each) => each.arguments)).toEqual(
      calls.map((each) => each.arguments),
    );
  });
});
