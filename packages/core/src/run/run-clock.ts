import type { Clock } from '../clock/clock';
import { maxTimerMs } from '../reliability/validate-option';
import type { AgentRuntime } from './agent-runtime';
import { unrefTimer } from './keep-alive';

/** A timer longer than a platform timer can wait: re-armed in steps. */
class LongTimer {
  current: unknown;
}

/**
 * The clock a run's actor and effects use: the agent's, with every timer unref'd, so resting
 * runs (a deadline a day away) never keep the process alive — working runs hold it open
 * themselves (see keep-alive) — and with waits longer than a platform timer allows (about
 * 24.8 days; Node fires longer ones after 1 ms) chained instead of firing at once.
 */
export function runClock({ clock }: Pick<AgentRuntime, 'clock'>): Clock {
  // One per agent clock, not per run: it holds nothing of a run's.
  let wrapped = runClocks.get(clock);
  if (!wrapped) {
    wrapped = unrefClock(clock);
    runClocks.set(clock, wrapped);
  }
  return wrapped;
}

const runClocks = new WeakMap<Clock, Clock>();

function unrefClock(clock: Clock): Clock {
  const arm = (callback: () => void, ms: number): unknown => {
    const timer = clock.setTimeout(callback, ms);
    unrefTimer(timer);
    return timer;
  };
  return {
    now: () => clock.now(),
    setTimeout: (callback, ms) => {
      if (!(ms > maxTimerMs)) return arm(callback, ms);
      const long = new LongTimer();
      const step = (left: number) => {
        long.current = arm(
          () => (left > maxTimerMs ? step(left - maxTimerMs) : callback()),
          Math.min(left, maxTimerMs),
        );
      };
      step(ms);
      return long;
    },
    clearTimeout: (handle) =>
      clock.clearTimeout(handle instanceof LongTimer ? handle.current : handle),
  };
}
