/**
 * The thread of the child agent an effect runs: under its parent's thread, named by the
 * effect's key, so a resume finds the same child.
 */
export function childThreadId(parentThreadId: string, effectKey: string): string {
  return `${parentThreadId}/${effectKey}`;
}

/** The key of the effect a journaled step belongs to: a step's key is that key, `/`, its step. */
export function effectKeyOfStep(stepKey: string): string {
  return stepKey.slice(0, stepKey.lastIndexOf('/'));
}
