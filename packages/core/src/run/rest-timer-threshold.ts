/**
 * Timers further away than this do not keep a run from coming to rest as `waiting`; one due
 * sooner keeps it working, as an effect in flight does.
 */
export const restTimerThresholdMs = 5_000;
