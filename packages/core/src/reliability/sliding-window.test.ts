import { describe, expect, it } from 'vitest';
import { SlidingWindow } from './sliding-window';

describe('SlidingWindow', () => {
  it('sums each key over the window', () => {
    const window = new SlidingWindow({ windowMs: 1_000, keys: ['ok', 'failed'] });
    window.add('ok', 0);
    window.add('ok', 450, 2);
    window.add('failed', 999);
    expect([window.sum('ok', 999), window.sum('failed', 999)]).toEqual([3, 1]);
  });

  it('forgets a tenth of the window at a time as the clock moves', () => {
    const window = new SlidingWindow({ windowMs: 1_000, keys: ['ok'] });
    window.add('ok', 0);
    window.add('ok', 150);
    expect(window.sum('ok', 999)).toBe(2);
    expect(window.sum('ok', 1_000)).toBe(1);
    expect(window.sum('ok', 1_100)).toBe(0);
  });

  it('reuses a bucket once its time has passed, without counting what it held', () => {
    const window = new SlidingWindow({ windowMs: 1_000, keys: ['ok'] });
    window.add('ok', 50, 5);
    window.add('ok', 1_050);
    expect(window.sum('ok', 1_050)).toBe(1);
  });

  it('forgets everything on clear', () => {
    const window = new SlidingWindow({ windowMs: 1_000, keys: ['ok'] });
    window.add('ok', 10);
    window.clear();
    expect(window.sum('ok', 10)).toBe(0);
  });
});
