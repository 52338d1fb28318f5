import type { Clock } from '../clock/clock';
import { validateNumberOption } from '../reliability/validate-option';

/** A clock that only moves when told: timers fire inside {@link ManualClock.advance}. */
export interface ManualClock extends Clock {
  /**
   * Moves time forward, firing due timers in order (awaiting microtasks between them).
   *
   * @throws DefinitionError `definition.invalid_option` for a negative or non-finite `ms`:
   * time that went back or became NaN would leave every deadline of the test undecidable.
   */
  advance(ms: number): Promise<void>;
  /** Timers not yet fired. */
  pending(): number;
}

/** Creates a {@link ManualClock} starting at `start` ms since the epoch. */
export function manualClock(start = 0): ManualClock {
  let now = start;
  let nextId = 1;
  const timers = new Map<number, { due: number; callback: () => void }>();
  const flush = () => new Promise<void>((resolve) => setImmediate(resolve));
  return {
    now: () => now,
    setTimeout(callback, ms) {
      const id = nextId++;
      timers.set(id, { due: now + Math.max(0, ms), callback });
      return id;
    },
    clearTimeout(handle) {
      timers.delete(handle as number);
    },
    pending: () => timers.size,
    async advance(ms) {
      validateNumberOption('manualClock.advance', 'ms', ms, {
        min: 0,
        max: Number.MAX_SAFE_INTEGER,
        expected:
          'a number of milliseconds to move forward, 0 or more, such as 3 * 24 * 60 * 60 * 1000 for three days',
      });
      const target = now + ms;
      for (;;) {
        await flush();
        let nextTimer: [number, { due: number; callback: () => void }] | undefined;
        for (const entry of timers) {
          if (entry[1].due <= target && (!nextTimer || entry[1].due < nextTimer[1].due))
            nextTimer = entry;
        }
        if (!nextTimer) break;
        timers.delete(nextTimer[0]);
        now = nextTimer[1].due;
        nextTimer[1].callback();
      }
      now = target;
      await flush();
    },
  };
}
