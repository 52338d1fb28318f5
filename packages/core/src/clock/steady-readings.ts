import type { Clock } from './clock';

/**
 * Readings of `clock` that never go back: when its time steps back (NTP correcting a fast
 * clock, a VM resumed), they go on from the last reading and move forward with the clock from
 * there. For what measures a span that must end on time whatever the wall clock does — a
 * breaker's cooldown, the window of recent failures — since a span measured on the wall
 * clock alone lasts as much longer as the clock went back: an hour's step kept a breaker open,
 * failing every call fast, for that hour. A step is seen at the first reading after it: what
 * passed between the reading before and the step is not counted, so a span ends late by at
 * most the time between two readings, not by the step. One reader per object that measures:
 * it keeps the last reading and the offset.
 */
export function steadyReadings(clock: Pick<Clock, 'now'>): () => number {
  let last = Number.NEGATIVE_INFINITY;
  let offset = 0;
  return () => {
    const reading = clock.now() + offset;
    if (reading < last) {
      offset += last - reading;
      return last;
    }
    last = reading;
    return reading;
  };
}
