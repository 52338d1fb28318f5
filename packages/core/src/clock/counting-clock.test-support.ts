import type { Clock } from './clock';

/** The system clock, counting the timers armed on it that have neither fired nor been cleared. */
export function countingClock(): Clock & { pending(): number } {
  const pending = new Set<unknown>();
  return {
    now: () => Date.now(),
    setTimeout(callback, ms) {
      const handle = setTimeout(() => {
        pending.delete(handle);
        callback();
      }, ms);
      pending.add(handle);
      return handle;
    },
    clearTimeout(handle) {
      pending.delete(handle);
      clearTimeout(handle as ReturnType<typeof setTimeout>);
    },
    pending: () => pending.size,
  };
}
