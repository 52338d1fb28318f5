import type { RunError } from '../errors/run-error';
import type { HumanWaits } from './human-waits';
import { lateReplyError } from './run-errors';
import type { RecordedWait } from './run-port';

/**
 * The error for a reply that found no wait to answer, when the wait it meant timed out — in
 * this process (`live`), or as the journal the run was restored from says (`recorded`) — the
 * one `waitId` names or, none named, the run's last wait to close (answered or timed out):
 * refused with the wait's own timeout code (`human.timeout`, `approval.expired`), as when the
 * reply reaches the wait itself past its deadline, not as a reply to a run that never asked
 * (`run.not_waiting`). Undefined otherwise: a reply sent twice, to a wait answered already,
 * or to a run that never waited.
 */
export function lateReplyErrorFor(
  waitId: string | undefined,
  live: HumanWaits,
  recorded: ReadonlyMap<string, RecordedWait>,
): RunError | undefined {
  const meant = waitId ?? live.lastClosed ?? lastClosedOf(recorded);
  if (meant === undefined) return undefined;
  const here = live.timedOutWait(meant);
  if (here) return lateReplyError(here);
  const wait = recorded.get(meant);
  if (wait?.timedOut === undefined || wait.deadline === undefined) return undefined;
  return lateReplyError({ waitId: meant, deadline: wait.deadline, code: wait.timedOut });
}

/** A wait's failure that is its deadline passing, not an abort or a stop. */
export function isTimeoutCode(code: unknown): code is 'human.timeout' | 'approval.expired' {
  return code === 'human.timeout' || code === 'approval.expired';
}

/**
 * The wait the journal shows closing last: answered or timed out, latest `finishedAt` (the
 * later record on a tie). Not the last one opened: parallel waits close in any order.
 */
function lastClosedOf(recorded: ReadonlyMap<string, RecordedWait>): string | undefined {
  let last: string | undefined;
  let at = Number.NEGATIVE_INFINITY;
  for (const [key, wait] of recorded) {
    const closed = wait.status === 'completed' || wait.timedOut !== undefined;
    if (closed && wait.finishedAt !== undefined && wait.finishedAt >= at) {
      last = key;
      at = wait.finishedAt;
    }
  }
  return last;
}
