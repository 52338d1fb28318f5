/**
 * The thread of the child agent an effect runs: under its parent's thread, named by the
 * effect's key, so a resume finds the same child.
 */
export function childThreadId(parentThreadId: string, effectKey: string): string {
  return `${parentThreadId}/${effectKey}`;
}

/**
 * The id a parent lists (and takes a reply for) a wait of its child agent under: the child's
 * effect key — its thread relative to the parent's — then the wait's id in the child,
 * `refunds#1/<wait>`. The wait's own id is its key in the child's journal, the same in every
 * child the same effect runs, so unqualified the wait of a turn's child would take a reply
 * retried for the previous turn's (an approval given twice) or collide with a sibling's.
 */
export function childWaitId(childEffectKey: string, waitId: string): string {
  return `${childEffectKey}/${waitId}`;
}

/** A child's thread ends in `/`, an effect's site and `#` with its occurrence: `…/0.boss.delegating#0`. */
const childThreadShape = /\/[^/]+#\d+$/;

/**
 * True when `threadId` looks like the thread of a child agent ({@link childThreadId}). Such ids
 * are the parents' to make: a thread started under one by `agent.start()` would be where a
 * parent's child agent is looked for.
 */
export function hasChildThreadShape(threadId: string): boolean {
  return childThreadShape.test(threadId);
}

/**
 * The thread whose child agent runs in `threadId` ({@link childThreadId}), or undefined when
 * `threadId` is not shaped like a child's thread.
 */
export function parentOfChildThread(threadId: string): string | undefined {
  return hasChildThreadShape(threadId) ? threadId.slice(0, threadId.lastIndexOf('/')) : undefined;
}

/** The key of the effect a journaled step belongs to: a step's key is that key, `/`, its step. */
export function effectKeyOfStep(stepKey: string): string {
  return stepKey.slice(0, stepKey.lastIndexOf('/'));
}
