/**
 * The message of a `checkpoint.conflict` on a checkpoint write, shared by every store. A
 * first checkpoint refused (`attempted` 1: a start under an id the store has) does not say
 * the thread's checkpoint, `current`.
 */
export function conflictMessage(threadId: string, current: number, attempted: number): string {
  if (attempted === 1) {
    // No checkpoint number: the start may be another tenant's, who learns that the id is
    // taken (thread ids are one namespace) but not how far its thread has gone.
    return `Thread "${threadId}" already exists; a new run cannot start under its id. If the thread is yours and waiting or running, continue it with agent.resume("${threadId}") or agent.send(); one that ended (done, failed, limit, stopped) runs no more, so start its work again under a new thread id (thread ids are one namespace for every tenant: prefix them with the tenant's).`;
  }
  return `Thread "${threadId}" is at checkpoint ${current}, but this run wrote its checkpoint ${attempted} on top of checkpoint ${attempted - 1}: another run (in this or another process) advanced the thread meanwhile. Only one run may own a thread: reload it with agent.resume() and continue from there.`;
}

/**
 * The message of a `checkpoint.conflict` on a write from a run that lost its thread.
 * `write` names what was refused (`effect "k"`, `checkpoint 4`); `takenBy` says how the
 * store knows (`its checkpoint 3 names another owner`, `run "r2" holds its lease`).
 */
export function fencedMessage(threadId: string, write: string, takenBy: string): string {
  return `Thread "${threadId}" was taken over by another run (${takenBy}), so this run may not write ${write}. Nothing was written or executed. Reload the thread with agent.resume() if this process should continue it.`;
}

/**
 * The message of a `checkpoint.conflict` on a journal write naming an owner, to a thread the
 * store has no checkpoint and no lease of: it was erased or pruned since the run took it (its
 * lease had lapsed), or it was never started. Written, the entry would bring an erased
 * thread's data back.
 */
export function absentMessage(threadId: string, write: string): string {
  return `Thread "${threadId}" is not in the store (no checkpoint and no lease: it was erased or pruned after this run's lease lapsed, or it was never started), so this run may not write ${write}. Nothing was written or executed.`;
}

/** The message of a `checkpoint.lease_held`: who holds the thread, until when, what to do. */
export function leaseHeldMessage(
  threadId: string,
  holder: { owner: string; expiresAt: number },
  now: number,
): string {
  if (holder.expiresAt <= now) {
    // A store that reads the holder after refusing (PostgreSQL: two statements) may find it
    // gone by then — its run came to rest a moment later. No time left, no date in 1970.
    return `Thread "${threadId}" was owned by run "${holder.owner}" when this run asked for it, and that run has let it go since (its lease was released or lapsed a moment later). Nothing was done here: try again, and the thread is taken unless another run took it meanwhile.`;
  }
  const left = Math.ceil(holder.expiresAt - now);
  // Said to a reply too: a service whose reply met a worker waking the thread (for its
  // deadline, at that moment) was told to wait out the whole lease or to force, not that the
  // worker lets go within moments and the reply can simply be sent again.
  return `Thread "${threadId}" is owned by run "${holder.owner}", whose lease is live for ${left} ms more (until ${new Date(holder.expiresAt).toISOString()}): it is probably still running in another process. Nothing was done here: no event or reply was delivered. That run lets the thread go when it comes to rest or ends (moments later, for a thread another process woke for a timer or a deadline), and its lease expires if its process died: try again then, and the thread is taken as it is by then. Two runs continuing one thread could act twice: take it with { force: true } only if you know that process is gone, as an effect it has in flight may still act.`;
}

/**
 * The message of a `checkpoint.lease_held` on a forced take-over refused because another run
 * took the thread first: `from` itself, which took it over by force moments ago, or another
 * owner than `from` — another forced resume, or a restore that holds the lease and has written
 * nothing yet (it handles a send, a reply or a resume, or its process died doing so).
 */
export function takenOverFirstMessage(
  threadId: string,
  holder: { owner: string; expiresAt: number },
  now: number,
  from: string,
): string {
  const left = Math.max(0, Math.ceil(holder.expiresAt - now));
  const lapses = new Date(holder.expiresAt).toISOString();
  if (holder.owner === from) {
    return `Thread "${threadId}" was taken over by run "${holder.owner}" just before this forced resume could take it (its lease is live for ${left} ms more): most likely another forced resume of the same thread, in this or another process. This resume did nothing, so the thread runs once. If that process is gone too, resume the thread again once its lease lapses (at ${lapses}).`;
  }
  return `Thread "${threadId}" was taken over by run "${holder.owner}" before this forced resume could take it from run "${from}", the owner it names (the lease is live for ${left} ms more): most likely another forced resume of the same thread, or a process that restored the thread to handle a send, a reply or a resume — it holds the lease before it writes, and may have died doing so. This resume did nothing, so the thread runs once. If that process is gone too, resume the thread again once its lease lapses (at ${lapses}).`;
}
