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

/**
 * Where a person answers the wait `waitId` of the run on `threadId`: for a child agent's run,
 * the root thread of its family (the only one a host drives) and the wait's id as that root
 * lists it (the child's thread below the root, `/`, the wait's own id: see {@link
 * childWaitId}); undefined for a root thread, whose wait is answered where it is.
 */
export function replyTargetOf(
  threadId: string,
  waitId: string,
): { threadId: string; waitId: string } | undefined {
  let root = threadId;
  // A root thread never has a child's shape (`agent.start` refuses one), so this stops at it.
  for (let parent = parentOfChildThread(root); parent !== undefined; ) {
    root = parent;
    parent = parentOfChildThread(root);
  }
  if (root === threadId) return undefined;
  return { threadId: root, waitId: childWaitId(threadId.slice(root.length + 1), waitId) };
}
