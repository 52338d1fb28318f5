import { storageFailure } from '../postgres-storage-error';

/** Options of {@link queueWarnings}; the defaults are a process warning and the system clock. */
export interface QueueWarningsOptions {
  /** How long a failure like one already shown stays quiet. Default 60 000. */
  quietMs?: number;
  now?: () => number;
  warn?: (warning: Error | string) => void;
}

/** Failures told apart at most; past this many kinds, the oldest is forgotten. */
const maxKinds = 100;

/**
 * The default `onError` of workers and job clients: each failure of the job queue as a
 * process warning, typed (a `StorageError` naming the server when the database is out of
 * reach), and a failure like one already shown (same code and message) at most once per
 * `quietMs`, then with how many were not shown. While the database is down, pg-boss fails
 * every poll of every queue, twice a second: a warning each would bury the log.
 */
export function queueWarnings(
  server: string,
  {
    quietMs = 60_000,
    now = Date.now,
    warn = (warning) => process.emitWarning(warning),
  }: QueueWarningsOptions = {},
): (error: unknown) => void {
  const shown = new Map<string, { quietUntil: number; notShown: number }>();
  return (error) => {
    const failure = storageFailure(error, server, 'working the job queue');
    const { code, message } = (failure ?? {}) as { code?: unknown; message?: unknown };
    const kind = `${String(code)}\u0000${String(message ?? failure)}`;
    const at = now();
    const last = shown.get(kind);
    if (last && at < last.quietUntil) {
      last.notShown++;
      return;
    }
    shown.delete(kind);
    if (shown.size >= maxKinds) shown.delete(shown.keys().next().value!);
    shown.set(kind, { quietUntil: at + quietMs, notShown: 0 });
    warn(failure instanceof Error ? failure : new Error(String(failure)));
    if (last && last.notShown > 0) {
      warn(`${last.notShown} more failure(s) of the job queue like the one above were not shown.`);
    }
  };
}
