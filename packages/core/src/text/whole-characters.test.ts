import { describe, expect, it } from 'vitest';
import { headOf, sliceWhole, wholeCut } from './whole-characters';

const flag = '🇯🇵'; // two characters outside the BMP: four UTF-16 units

describe('whole characters', () => {
  it('cuts before a character whose two units the cut would split', () => {
    expect(headOf(`ab${flag}`, 3)).toBe('ab');
    expect(headOf(`ab${flag}`, 4)).toBe('ab🇯');
    expect(headOf(`ab${flag}`, 5)).toBe('ab🇯');
    expect(headOf('abc', 5)).toBe('abc');
    expect(headOf('日本語', 2)).toBe('日本');
  });

  it('moves both ends of a slice inward off the middle of a pair', () => {
    expect(sliceWhole(`😀x😀`, 1, 4)).toBe('x');
    expect(sliceWhole(`😀x😀`, 0, 5)).toBe('😀x😀');
    expect(sliceWhole('😀', 1, 1)).toBe('');
  });

  it('moves a cut back off the middle of a pair, and leaves one between characters', () => {
    expect(wholeCut('a😀', 2)).toBe(1);
    expect(wholeCut('a😀', 1)).toBe(1);
    expect(wholeCut('a😀', 3)).toBe(3);
  });
});
