import type { ManualClock } from './manual-clock';

/** How a promise settled, and when on the manual clock. */
export type Captured<T> =
  | { ok: true; value: T; at: number }
  | { ok: false; error: unknown; at: number };

/** Records how and when `promise` settles, so a test can move the clock first and look after. */
export function capture<T>(promise: Promise<T>, clock: ManualClock): Promise<Captured<T>> {
  return promise.then(
    (value) => ({ ok: true, value, at: clock.now() }),
    (error: unknown) => ({ ok: false, error, at: clock.now() }),
  );
}
