import { describe, expect, it } from 'vitest';
import { fastForwardClock } from './fast-forward-clock';

const idle = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('fastForwardClock', () => {
  it('fires timers in due order without waiting, moving time to each', async () => {
    const clock = fastForwardClock(1_000);
    const fired: [string, number][] = [];
    clock.setTimeout(() => fired.push(['late', clock.now()]), 60_000);
    clock.setTimeout(() => fired.push(['early', clock.now()]), 10);
    await idle();
    expect(fired).toEqual([
      ['early', 1_010],
      ['late', 61_000],
    ]);
  });

  it('never fires a timer due after the recording ended, nor a cleared one', async () => {
    const clock = fastForwardClock(0, 5_000);
    const fired: string[] = [];
    clock.setTimeout(() => fired.push('after the end'), 6_000);
    const cleared = clock.setTimeout(() => fired.push('cleared'), 10);
    clock.clearTimeout(cleared);
    clock.setTimeout(() => fired.push('in time'), 4_000);
    await idle();
    expect(fired).toEqual(['in time']);
  });

  it('moves to a recorded step time without going back', () => {
    const clock = fastForwardClock(100);
    clock.advanceTo(500);
    clock.advanceTo(200);
    expect(clock.now()).toBe(500);
  });
});
