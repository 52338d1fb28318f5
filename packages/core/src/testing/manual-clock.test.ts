import { describe, expect, it } from 'vitest';
import { manualClock } from './manual-clock';

describe('manualClock', () => {
  it('fires due timers in order as it advances, and only those', async () => {
    const clock = manualClock(1_000);
    const fired: string[] = [];
    clock.setTimeout(() => fired.push('late'), 300);
    clock.setTimeout(() => fired.push('early'), 100);
    await clock.advance(200);
    expect(fired).toEqual(['early']);
    expect(clock.now()).toBe(1_200);
    expect(clock.pending()).toBe(1);
  });

  it('refuses to move by a negative or non-finite time, which would turn deadlines around or to NaN (advance)', async () => {
    const clock = manualClock(1_000);
    for (const ms of [-1, Number.NaN, undefined as unknown as number, Number.POSITIVE_INFINITY]) {
      await expect(clock.advance(ms)).rejects.toMatchObject({
        code: 'definition.invalid_option',
        message: expect.stringMatching(
          /^manualClock\.advance: ms is .*\. Give a number of milliseconds to move forward, 0 or more/,
        ),
      });
    }
    expect(clock.now()).toBe(1_000);
  });
});
