import { describe, expect, it } from 'vitest';
import { steadyReadings } from './steady-readings';

describe('steadyReadings', () => {
  it('goes on from its last reading when the clock steps back, then moves with the clock', () => {
    let now = 10_000;
    const read = steadyReadings({ now: () => now });
    expect(read()).toBe(10_000);
    now = 10_500;
    expect(read()).toBe(10_500);
    now = 500; // an hour-sized step back, in small
    expect(read()).toBe(10_500);
    now = 800;
    expect(read()).toBe(10_800);
    now = 100_000; // a step forward is taken as it is
    expect(read()).toBe(110_000);
  });
});
