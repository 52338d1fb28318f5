/**
 * What the `agentchart` command's exit code means; the same for every command, so scripts can
 * branch on it. Documented in `agentchart --help` and docs/cli.md.
 */
export const exitCodes = {
  /** The command did its work; a run it drove is `done`. */
  ok: 0,
  /** Something failed: a run ended `failed`, the store could not be read, an unexpected error. */
  failed: 1,
  /** Used wrongly: unknown command or option, a missing file or thread, input that is not JSON. */
  usage: 2,
  /** A run it drove rests `waiting`: for a human reply (`agentchart send`) or a timer (`agentchart worker`). */
  waiting: 3,
  /** A run it drove ended at a run limit or tenant quota (`limit`), or was `stopped`. */
  limit: 4,
  /** Another live process holds the thread's lease: nothing was done; try again later. */
  busy: 5,
  /**
   * `agentchart eval`: a variant passed fewer cases than the minimum (the gate), as opposed to
   * 1, the eval itself broke (a run, a scorer, the suite) and measured nothing.
   */
  belowMinimum: 6,
  /** Interrupted (SIGINT, SIGTERM): runs were handed back to the store, resumable. 128 + signal. */
  interrupted: 130,
} as const;

/** The table printed by `agentchart --help`. */
export const exitCodeHelp = `Exit codes:
  0  done: the command did its work (a run it drove is done)
  1  failed: a run failed, or the store could not be read
  2  usage: unknown command or option, missing file or thread, invalid JSON,
     a reply that does not fit the wait or came after its deadline
  3  waiting: a run rests waiting for a human reply or a timer
  4  limit: a run ended at a limit or quota, or was stopped
  5  busy: another live process holds the thread; nothing was done
  6  below: an eval variant passed fewer cases than --min-pass-rate
  130/143  interrupted by SIGINT/SIGTERM; runs were handed back, resumable`;
