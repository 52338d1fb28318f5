import { describe, expect, it } from 'vitest';
import { inputHash } from './input-hash';

describe('inputHash', () => {
  it('is the same for the same value whatever the order of its keys, and differs for another', () => {
    expect(inputHash({ a: 1, b: [1, 2] })).toBe(inputHash({ b: [1, 2], a: 1 }));
    expect(inputHash({ a: 1, b: [1, 2] })).not.toBe(inputHash({ a: 1, b: [2, 1] }));
    expect(inputHash('x')).toMatch(/^[0-9a-f]{16}$/);
  });
});
