import type { RunError } from '../errors/run-error';
import { lateReplyError, type TimedOutWait } from './run-errors';
import type { RecordedWait } from './run-port';

/** What a run knows of its closed waits, for {@link lateReplyErrorFor}. */
export interface ClosedWaits {
  /** The waits that timed out in this process, by id. */
  readonly timedOut: ReadonlyMap<string, TimedOutWait> | undefined;
  /** The id of the last wait that closed in this process (replied to or timed out), if any. */
  readonly lastClosed: string | undefined;
  /** The waits as the journal the run was restored from had them. */
  readonly recorded: ReadonlyMap<string, RecordedWait>;
}

/**
 * The error for a reply that found no wait to answer, when the wait it meant timed out — in
 * this process, or as the journal says — the one `waitId` names or, none named, the run's last
 * wait: refused with the wait's own timeout code (`human.timeout`, `approval.expired`), as
 * when the reply reaches the wait itself past its deadline, not as a reply to a run that never
 * asked (`run.not_waiting`). Undefined otherwise: a reply sent twice, to a wait answered
 * already, or to a run that never waited.
 */
export function lateReplyErrorFor(
  waitId: string | undefined,
  { timedOut, lastClosed, recorded }: ClosedWaits,
): RunError | undefined {
  const meant = waitId ?? lastClosed ?? lastKey(recorded);
  if (meant === undefined) return undefined;
  const here = timedOut?.get(meant);
  if (here) return lateReplyError(here);
  // None named, and the last wait closed here was answered: not a late reply.
  if (waitId === undefined && lastClosed !== undefined) return undefined;
  const wait = recorded.get(meant);
  if (wait?.timedOut === undefined || wait.deadline === undefined) return undefined;
  return lateReplyError({ waitId: meant, deadline: wait.deadline, code: wait.timedOut });
}

/** The last key of a map: the journal's waits are in the order they were first written. */
function lastKey(map: ReadonlyMap<string, unknown>): string | undefined {
  let last: string | undefined;
  for (const key of map.keys()) last = key;
  return last;
}
