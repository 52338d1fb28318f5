import { describeServer, storageFailure } from '../postgres-storage-error';

/** Options of {@link queueWarnings}; the defaults are a process warning and the system clock. */
export interface QueueWarningsOptions {
  /** How long a failure like one already shown stays quiet. Default 60 000. */
  quietMs?: number | undefined;
  /** The clock, in milliseconds. Default: `Date.now`. */
  now?: (() => number) | undefined;
  /**
   * Shows a warning: a failure (typed when it is the database's), or how many like it were not
   * shown. Default: `process.emitWarning`.
   */
  warn?: ((warning: Error | string) => void) | undefined;
}

/** Failures told apart at most; past this many kinds, the oldest is forgotten. */
const maxKinds = 100;

/** What pg-boss appends to a worker's failure: `(Queue: agentchart.pay, Worker: <uuid>)`. */
const queueAndWorker = /\s*\(Queue: [^,()]*, Worker: [^()]*\)/g;
const uuid = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi;

/**
 * A failure's kind: its code and its message without the parts that differ from one
 * occurrence of the same failure to the next. pg-boss names the queue and the polling
 * worker's id in each failure, and a worker polls each queue with several of them: keyed on
 * the whole message, one outage was a new failure at every poll, and none was held back.
 */
function failureKind(code: unknown, message: string): string {
  return `${String(code)}\u0000${message.replace(queueAndWorker, '').replace(uuid, '<id>')}`;
}

/**
 * The default `onError` of workers and job clients: each failure of the job queue as a
 * process warning, typed (a `StorageError` naming the server when the database is out of
 * reach), and a failure like one already shown (same code and message, whichever queue and
 * polling worker it names) at most once per `quietMs`, then with how many were not shown. While the database is down, pg-boss fails
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
  const where = describeServer(server);
  return (error) => {
    const failure = storageFailure(error, where, 'working the job queue');
    const { code, message } = (failure ?? {}) as { code?: unknown; message?: unknown };
    const kind = failureKind(code, String(message ?? failure));
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
