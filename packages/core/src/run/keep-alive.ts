/**
 * Keeps the host process alive while some run is working, and only then. Every timer a run
 * arms (wait deadlines, `after` delays, heartbeats) is unref'd, so a process whose runs all
 * rest — waiting on a human for a day, say — exits by itself; a run at work holds one shared
 * handle so a backoff or a slow tool does not let the process end under it.
 */
let holders = 0;
let handle: ReturnType<typeof setInterval> | undefined;

/** Holds the process open until the returned function is called (once). */
export function holdProcessOpen(): () => void {
  // One interval for the process's life, ref'd while held and unref'd when not: run after
  // run, making and clearing a timer each time cost more than the rest of this.
  // The longest interval Node accepts; it never needs to fire.
  handle ??= setInterval(() => {}, 2 ** 31 - 1);
  if (holders++ === 0) handle.ref?.();
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (--holders === 0) handle?.unref?.();
  };
}

/**
 * Lets a timer handle from `setTimeout` (or a clock wrapping it) not keep the process alive.
 * Returns false when the handle has no `unref` (a clock whose timers are plain ids).
 */
export function unrefTimer(timer: unknown): boolean {
  if (timer && typeof (timer as { unref?: unknown }).unref === 'function') {
    (timer as { unref(): void }).unref();
    return true;
  }
  return false;
}
